// Upload with a progress bar; the server's JSON answer (or located error) is shown in the page.
(function () {
  const form = document.getElementById("upload-form");
  if (!form) return;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const bar = document.getElementById("upload-progress");
    const result = document.getElementById("upload-result");
    const request = new XMLHttpRequest();
    request.open("POST", form.dataset.endpoint);
    request.setRequestHeader("X-Requested-With", "peerpulse");
    request.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
    });
    request.onload = function () {
      bar.value = 100;
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (err) { body = { error: request.statusText }; }
      result.hidden = false;
      if (request.status === 201) {
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
    request.send(new FormData(form));
  });
})();
