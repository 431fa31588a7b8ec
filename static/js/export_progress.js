// The export page: ask the server how far the background export has got, once a second, until it
// is done or failed; then show the download link (or the error).
(function () {
  var job = document.getElementById("export-job");
  if (!job) return;
  function show(state) {
    document.getElementById("export-status").textContent = state.status_label;
    document.getElementById("export-rows").textContent = state.rows_done;
    document.getElementById("export-total").textContent = state.rows_total === null ? "…" : state.rows_total;
    document.getElementById("export-progress").value = state.percent;
    document.getElementById("export-percent").textContent = state.percent + "%";
    var error = document.getElementById("export-error");
    error.textContent = state.error;
    error.hidden = !state.error;
    var link = document.getElementById("export-download");
    if (state.download) { link.href = state.download; document.getElementById("export-ready").hidden = false; }
    return state.status === "done" || state.status === "failed";
  }
  function poll() {
    fetch(job.dataset.progressUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (state) { if (!show(state)) setTimeout(poll, 1000); })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
