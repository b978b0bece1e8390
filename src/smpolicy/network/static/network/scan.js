// A log scan's page: asks how far the worker has read every second and moves the bar; when the
// scan has ended, the page is loaded again to show what it found (or why it stopped).
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var bar = document.getElementById("scan-bar");
  var status = document.getElementById("scan-status");
  var url = box.getAttribute("data-progress-url");
  var lastText = status.textContent;
  var lastTenth = -1;

  function show(state) {
    bar.value = state.percent;
    bar.textContent = state.percent + "%";
    bar.setAttribute("data-read", String(state.read));
    // A screen reader hears the status when it changes, so it changes once a tenth, not each poll.
    var tenth = Math.floor(state.percent / 10);
    if (state.text !== lastText && (tenth !== lastTenth || state.state !== "running")) {
      status.textContent = state.text;
      lastText = state.text;
      lastTenth = tenth;
    }
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("HTTP " + answer.status); }
        return answer.json();
      })
      .then(function (state) {
        show(state);
        if (state.finished || state.state === "stalled") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
})();
