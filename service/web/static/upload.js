// Upload with two progress bars: the file's transfer, then the server's reading and redaction
// (polled from GET .../imports/{id} with an id this page chooses). The server's JSON answer (or
// located error) is shown in the page.
(function () {
  const form = document.getElementById("upload-form");
  if (!form) return;

  function newImportId() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function follow(url, bar, label, finished) {
    const poll = new XMLHttpRequest();
    poll.open("GET", url);
    poll.setRequestHeader("X-Requested-With", "peerpulse");
    poll.onload = function () {
      if (finished()) return;
      if (poll.status === 200) {
        const run = JSON.parse(poll.responseText);
        if (run.rows_total) {
          bar.max = run.rows_total;
          bar.value = run.rows_done;
          label.textContent = run.rows_done + " of " + run.rows_total + " rows read and redacted (" +
            run.status + ")";
        }
      }
      window.setTimeout(function () { follow(url, bar, label, finished); }, 1000);
    };
    poll.onerror = function () {
      if (!finished()) window.setTimeout(function () { follow(url, bar, label, finished); }, 2000);
    };
    poll.send();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const bar = document.getElementById("upload-progress");
    const redaction = document.getElementById("import-progress");
    const redactionLabel = document.getElementById("import-progress-text");
    const result = document.getElementById("upload-result");
    const importId = newImportId();
    let done = false;
    const data = new FormData(form);
    data.append("import_id", importId);
    const request = new XMLHttpRequest();
    request.open("POST", form.dataset.endpoint);
    request.setRequestHeader("X-Requested-With", "peerpulse");
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
    });
    request.upload.addEventListener("load", function () {
      bar.value = 100;
      follow(form.dataset.endpoint + "/" + importId, redaction, redactionLabel,
        function () { return done; });
    });
    request.onload = function () {
      done = true;
      bar.value = 100;
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (err) { body = { error: request.statusText }; }
      result.hidden = false;
      if (request.status === 201) {
        redaction.max = 1;
        redaction.value = 1;
        redactionLabel.textContent = "Stored.";
        result.className = "notice";
        result.textContent = "Imported as " + body.format + ": " + body.responses_added +
          " responses added, " + body.duplicates_skipped + " duplicates skipped." +
          (body.warnings.length ? " Notes: " + body.warnings.join("; ") : "");
      } else {
        const where = body.location && body.location.row ? " (row " + body.location.row +
          (body.location.column ? ", column " + body.location.column : "") + ")" : "";
        result.className = "error";
        result.textContent = (body.error || "Upload failed") + where + ". " + (body.detail || "") +
          (body.hint ? " What to do: " + body.hint : "");
      }
      result.focus();
    };
    request.send(data);
  });
})();
