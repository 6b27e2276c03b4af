// The admin's little script. Every core flow works without it; it adds
// "select all" on list pages and suggestions in foreign-key inputs.
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

  function setupAutocomplete() {
    var inputs = document.querySelectorAll("input[data-autocomplete]");
    Array.prototype.forEach.call(inputs, function (input) {
      var list = document.getElementById(input.getAttribute("list"));
      var timer = null;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var url = input.getAttribute("data-autocomplete") + "?field=" +
            encodeURIComponent(input.name) + "&q=" + encodeURIComponent(input.value);
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

  document.addEventListener("DOMContentLoaded", function () {
    setupSelection();
    setupAutocomplete();
  });
})();
