// The job page without reloading: ask for the progress every few seconds, move the bar, and
// reload once the job has finished (the page then shows its outcome). Without scripts the
// page's <noscript> refresh does the same by reloading.
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var bar = document.getElementById("job-progress"), count = document.getElementById("job-count");
  var every = (parseInt(box.dataset.refresh, 10) || 2) * 1000;
  function poll() {
    fetch(window.location.pathname, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (job) {
        if (job.finished) { window.location.reload(); return; }
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
        if (job.total) count.textContent = job.done + " / " + job.total;
        setTimeout(poll, every);
      })
      .catch(function () { setTimeout(function () { window.location.reload(); }, every); });
  }
  setTimeout(poll, every);
})();
