// Light progressive enhancement: charts from JSON islands, and analyses with live progress.
// Every page works without it: forms post and the server redirects back.
(function () {
  "use strict";

  function drawCharts() {
    if (!window.Plotly) return;
    document.querySelectorAll(".chart[data-source]").forEach(function (el) {
      const source = document.getElementById(el.dataset.source);
      if (!source) return;
      const data = JSON.parse(source.textContent);
      if (!data.x || !data.x.length) { el.classList.add("empty"); return; }
      const trace = { x: data.x, y: data.y, name: el.dataset.name || "", marker: { color: "#1d4ed8" } };
      if (el.dataset.kind === "bar") { trace.type = "bar"; } else { trace.type = "scatter"; trace.mode = "lines+markers"; }
      window.Plotly.newPlot(el, [trace],
        { margin: { t: 10, r: 10, b: 40, l: 40 }, height: 260, xaxis: { type: "category" } },
        { displayModeBar: false, responsive: true });
      el.dataset.drawn = "true";
    });
  }

  function pollJob(statusUrl, bar, status, button) {
    fetch(statusUrl, { headers: { "X-Requested-With": "peerpulse" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        bar.value = Math.round((job.progress || 0) * 100);
        if (job.status === "succeeded") {
          status.textContent = "Analysis finished. Reloading the overview…";
          window.location.reload();
        } else if (job.status === "failed") {
          status.textContent = "The analysis failed: " + String(job.error || "unknown error").split("\n")[0];
          button.disabled = false;
        } else {
          status.textContent = "Analysis " + job.status + " (" + bar.value + "%): " + (job.message || "");
          window.setTimeout(function () { pollJob(statusUrl, bar, status, button); }, 1000);
        }
      })
      .catch(function () {
        status.textContent = "Lost contact with the server; retrying…";
        window.setTimeout(function () { pollJob(statusUrl, bar, status, button); }, 3000);
      });
  }

  function analysis() {
    const form = document.getElementById("analysis-form");
    if (!form) return;
    const bar = document.getElementById("analysis-progress");
    const status = document.getElementById("analysis-status");
    const button = document.getElementById("analysis-button");
    if (status.dataset.job) {
      button.disabled = true;
      pollJob("/api/v1/jobs/" + encodeURIComponent(status.dataset.job), bar, status, button);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      bar.value = 0;
      status.textContent = "Starting the analysis…";
      fetch(form.dataset.endpoint, {
        method: "POST", credentials: "same-origin", headers: { "X-Requested-With": "peerpulse" },
      }).then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      }).then(function (answer) {
        if (!answer.ok) {
          status.textContent = (answer.body.error || "Could not start the analysis") +
            (answer.body.hint ? " What to do: " + answer.body.hint : "");
          button.disabled = false;
          return;
        }
        pollJob(answer.body.status_url, bar, status, button);
      }).catch(function () {
        status.textContent = "Could not reach the server.";
        button.disabled = false;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    analysis();
  });
})();
