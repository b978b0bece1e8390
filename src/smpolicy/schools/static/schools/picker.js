// The people picker (smpolicy.schools.picker): search as you type, pick with a tap or the keys.
// Without this script the search box sends a GET and the page lists the matches as checkboxes;
// with it, the same box asks the search endpoint and the choice becomes a ticked chip at once.
(function () {
  "use strict";

  var DELAY = 150; // ms after the last key, so a fast typist sends one request, not five

  function where(person) {
    return [person.year_group, person["class"]].filter(Boolean).join(", ");
  }

  function chip(picker, person) {
    var item = document.createElement("li");
    item.className = "picker-chip";
    var label = document.createElement("label");
    label.className = "picker-option";
    var box = document.createElement("input");
    box.type = picker.multiple ? "checkbox" : "radio";
    box.name = picker.name;
    box.value = String(person.id);
    box.checked = true;
    var name = document.createElement("span");
    name.className = "picker-name";
    name.textContent = person.name;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" "));
    label.appendChild(name);
    if (where(person)) {
      var place = document.createElement("span");
      place.className = "picker-where";
      place.textContent = where(person);
      label.appendChild(document.createTextNode(" "));
      label.appendChild(place);
    }
    item.appendChild(label);
    return item;
  }

  function setUp(root) {
    if (root.hasAttribute("data-picker-ready")) { return; }
    root.setAttribute("data-picker-ready", "");
    var picker = {
      name: root.getAttribute("data-name"),
      multiple: root.getAttribute("data-multiple") === "true",
      kind: root.getAttribute("data-kind"),
      noun: root.getAttribute("data-noun"),
      url: root.getAttribute("data-search-url"),
      min: parseInt(root.getAttribute("data-min"), 10) || 2
    };
    var input = root.querySelector("[data-picker-input]");
    var list = root.querySelector("[data-picker-list]");
    var status = root.querySelector("[data-picker-status]");
    var chosen = root.querySelector("[data-picker-chosen]");
    var find = root.querySelector("[data-picker-find]");
    if (!input || !list || !status || !chosen || !window.fetch) { return; }
    var matches = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    // The box belongs to the GET form only for the fallback: with scripts, Enter picks.
    input.removeAttribute("form");
    input.removeAttribute("name");
    if (find) { find.hidden = true; }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function say(text) { status.textContent = text; }

    function chosenIds() {
      var ids = {};
      chosen.querySelectorAll('input[name="' + picker.name + '"]').forEach(function (box) {
        if (box.checked && box.value) { ids[box.value] = true; }
      });
      return ids;
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      matches = [];
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function pick(person) {
      var box = chosen.querySelector('input[name="' + picker.name + '"][value="' + person.id + '"]');
      if (!picker.multiple) {
        // One person only: the new choice replaces the last (the "nobody" radio stays).
        chosen.querySelectorAll(".picker-chip").forEach(function (item) {
          if (!item.contains(box)) { item.remove(); }
        });
      }
      if (box) {
        box.checked = true;
      } else {
        chosen.appendChild(chip(picker, person));
      }
      var results = root.querySelector("[data-picker-results]");
      if (results) { results.remove(); }
      close();
      input.value = "";
      input.focus();
      say(person.name + (where(person) ? ", " + where(person) : "") + ", chosen.");
    }

    function show(found) {
      var taken = chosenIds();
      matches = found.filter(function (p) { return !taken[String(p.id)]; });
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      matches.forEach(function (person, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "picker-match";
        var name = document.createElement("span");
        name.className = "picker-name";
        name.textContent = person.name;
        option.appendChild(name);
        if (where(person)) {
          var place = document.createElement("span");
          place.className = "picker-where";
          place.textContent = where(person);
          option.appendChild(document.createTextNode(" "));
          option.appendChild(place);
        }
        // mousedown, not click: the box keeps its focus, so the keyboard goes on working.
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { pick(person); });
        list.appendChild(option);
      });
      list.hidden = !matches.length;
      input.setAttribute("aria-expanded", matches.length ? "true" : "false");
      // On a phone the matches open below the fold, under the keyboard: bring them into view.
      if (matches.length && list.scrollIntoView) { list.scrollIntoView({ block: "nearest" }); }
      if (!matches.length) {
        say("No " + picker.noun + " on the roll matches \u201c" + input.value.trim() + "\u201d.");
      } else {
        say(matches.length + (matches.length === 1 ? " match" : " matches") +
            ": use the up and down arrows and Enter, or tap a name.");
      }
    }

    function ask() {
      var words = input.value.trim();
      if (words.length < picker.min) {
        close();
        say(words ? "Type at least " + picker.min + " letters." : "");
        return;
      }
      var mine = ++asked;
      var address = picker.url + "?kind=" + encodeURIComponent(picker.kind) +
        "&q=" + encodeURIComponent(words);
      fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (body) { if (mine === asked) { show(body.results || []); } })
        .catch(function () {
          if (mine === asked) { close(); say("The search did not answer: try again."); }
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { ask(); return; }
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        // Never sends the page's form from the search box.
        event.preventDefault();
        if (active >= 0 && matches[active]) {
          pick(matches[active]);
        } else if (matches.length === 1) {
          pick(matches[0]);
        } else {
          window.clearTimeout(timer);
          ask();
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); }
        close();
        say("");
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(function () { if (document.activeElement !== input) { close(); } }, 200);
    });
  }

  document.querySelectorAll("[data-picker]").forEach(setUp);
})();
