// Progressive enhancement for the posting pages; every page works without it.
// - a drop zone for images (the file input still works on its own), listing the chosen files;
// - a "Copy the text" button for an approved post.
// (The pupil picker is schools/picker.js, shared by every form that picks people.)
(function () {
  "use strict";

  function listFiles(input, list) {
    list.textContent = "";
    Array.prototype.forEach.call(input.files || [], function (file) {
      var item = document.createElement("li");
      item.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
      list.appendChild(item);
    });
  }

  document.querySelectorAll("[data-drop-zone]").forEach(function (zone) {
    var input = zone.querySelector('input[type="file"]');
    var list = zone.querySelector(".chosen-files");
    var hint = zone.querySelector(".drop-hint");
    if (!input || !list || typeof DataTransfer === "undefined") { return; }
    if (hint) { hint.hidden = false; }
    input.addEventListener("change", function () { listFiles(input, list); });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var merged = new DataTransfer();
      Array.prototype.forEach.call(input.files || [], function (f) { merged.items.add(f); });
      Array.prototype.forEach.call(event.dataTransfer.files || [], function (f) {
        if (/^image\//.test(f.type)) { merged.items.add(f); }
      });
      input.files = merged.files;
      listFiles(input, list);
    });
  });

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(function () {
        button.textContent = "Copied";
      });
    });
  });

})();
