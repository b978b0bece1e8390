// An export's page: asks every second whether the worker has finished; when it has (or has
// stopped), the page is loaded again to show the download link (or why it stopped).
(function () {
  "use strict";
  var status = document.querySelector("[data-progress-url]");
  if (!status) { return; }
  var url = status.getAttribute("data-progress-url");

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("HTTP " + answer.status); }
        return answer.json();
      })
      .then(function (state) {
        // Changed only when it says something new, so a screen reader hears each step once.
        if (status.textContent !== state.text) { status.textContent = state.text; }
        if (state.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
})();
