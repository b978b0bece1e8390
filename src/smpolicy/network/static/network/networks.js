// Progressive enhancement for the networks on the settings page; the page works without it.
// - address ranges are checked as they are typed (the server checks them again on saving);
// - "Add another network" adds a blank network form (without it, one blank form is shown).
(function () {
  "use strict";

  var IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(\/(3[0-2]|[12]?\d))?$/;
  var IPV6 = /^[0-9a-f:]*:[0-9a-f:.]*(\/(12[0-8]|1[01]\d|[1-9]?\d))?$/i;

  function isRange(token) {
    if (IPV4.test(token)) { return true; }
    if (!IPV6.test(token)) { return false; }
    var address = token.split("/")[0];
    var doubles = address.split("::").length - 1;
    var groups = address.split(":").filter(function (g) { return g !== ""; });
    return doubles <= 1 && groups.length <= 8 && (doubles === 1 || groups.length === 8) &&
      groups.every(function (g) { return /^[0-9a-f]{1,4}$/i.test(g) || IPV4.test(g); });
  }

  function check(input) {
    var status = document.getElementById(input.id + "_check");
    if (!status) { return; }
    var tokens = input.value.split(/[\s,;]+/).filter(function (t) { return t !== ""; });
    var bad = tokens.filter(function (t) { return !isRange(t); });
    if (!tokens.length) {
      status.textContent = "";
      input.removeAttribute("aria-invalid");
    } else if (bad.length) {
      status.textContent = "Not an address range: " + bad.join(", ") +
        ". Write each as 10.30.0.0/16 or fd00:30::/64.";
      status.classList.add("error");
      input.setAttribute("aria-invalid", "true");
    } else {
      status.textContent = tokens.length === 1 ? "1 address range." : tokens.length + " address ranges.";
      status.classList.remove("error");
      input.removeAttribute("aria-invalid");
    }
  }

  function watch(root) {
    root.querySelectorAll("input[data-ranges]").forEach(function (input) {
      var status = document.getElementById(input.id + "_check");
      if (status) {
        var described = (input.getAttribute("aria-describedby") || "").split(" ");
        if (described.indexOf(status.id) < 0) {
          input.setAttribute("aria-describedby", described.concat(status.id).join(" ").trim());
        }
      }
      input.addEventListener("input", function () { check(input); });
      if (input.value) { check(input); }
    });
  }

  var list = document.querySelector("[data-networks]");
  var template = document.getElementById("network-template");
  var button = document.querySelector("[data-add-network]");
  var total = document.getElementById("id_networks-TOTAL_FORMS");
  var most = document.getElementById("id_networks-MAX_NUM_FORMS");
  if (!list) { return; }
  watch(list);
  if (!template || !button || !total || !("content" in template)) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    if (most && index >= parseInt(most.value, 10)) { return; }
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var fieldset = holder.firstElementChild;
    var legend = fieldset.querySelector("legend");
    if (legend) { legend.textContent = "Network " + (index + 1); }
    list.appendChild(fieldset);
    total.value = String(index + 1);
    watch(fieldset);
    var name = fieldset.querySelector("input[type=text]");
    if (name) { name.focus(); }
  });
}());
