// The admin's little script. Every core flow works without it; it adds
// "select all" on list pages, suggestions in foreign-key inputs and the
// "Add another" button of inlines (without it, the blank rows are there).
(function () {
  "use strict";

  function setupSelection() {
    var all = document.getElementById("select-all");
    var boxes = Array.prototype.slice.call(document.querySelectorAll(".row-select"));
    var counter = document.getElementById("selected-count");
    if (!boxes.length) return;
    function update() {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      if (counter) counter.textContent = String(n);
      if (all) all.checked = n === boxes.length;
    }
    if (all) {
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    update();
  }

  function setupAutocomplete(root) {
    var inputs = (root || document).querySelectorAll("input[data-autocomplete]");
    Array.prototype.forEach.call(inputs, function (input) {
      var list = document.getElementById(input.getAttribute("list"));
      var timer = null;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var url = input.getAttribute("data-autocomplete") + "?field=" +
            encodeURIComponent(input.getAttribute("data-field") || input.name) + "&q=" + encodeURIComponent(input.value);
          fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
            .then(function (r) { return r.ok ? r.json() : {results: []}; })
            .then(function (data) {
              while (list.firstChild) list.removeChild(list.firstChild);
              data.results.forEach(function (row) {
                var option = document.createElement("option");
                option.value = row.id;
                option.label = row.text;   // textContent/label: never parsed as HTML
                option.textContent = row.text;
                list.appendChild(option);
              });
            });
        }, 200);
      });
    });
  }

  function setupInlines() {
    var buttons = document.querySelectorAll("button.add-row[data-prefix]");
    Array.prototype.forEach.call(buttons, function (button) {
      var prefix = button.getAttribute("data-prefix");
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var template = document.getElementById(prefix + "-empty");
      var rows = document.getElementById(prefix + "-rows");
      if (!total || !template || !rows) return;
      var max = parseInt(total.getAttribute("data-max"), 10);
      function refresh() { button.hidden = parseInt(total.value, 10) >= max; }
      button.addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        if (index >= max) return;
        // The template is the server's own blank row (no user data in it): only the
        // index placeholder changes.
        var holder = document.createElement(rows.tagName === "TBODY" ? "tbody" : "div");
        holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
        var row = holder.firstElementChild;
        rows.appendChild(row);
        total.value = String(index + 1);
        setupAutocomplete(row);
        var first = row.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
        refresh();
      });
      refresh();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupSelection();
    setupAutocomplete();
    setupInlines();
  });
})();
