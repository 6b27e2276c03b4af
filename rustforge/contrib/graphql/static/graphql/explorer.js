// The development explorer of /graphql: a query editor, the response, and the
// schema read by introspection. Plain DOM code, served from the package.
(function () {
  "use strict";
  var root = document.getElementById("explorer");
  var endpoint = root.getAttribute("data-endpoint");
  var $ = function (id) { return document.getElementById(id); };

  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (c) {
      return c.indexOf(name + "=") === 0;
    })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  function post(body) {
    var headers = {"Content-Type": "application/json", "Accept": "application/json"};
    var token = cookie("csrftoken");
    if (token) { headers["X-CSRFToken"] = token; }
    return fetch(endpoint, {method: "POST", headers: headers, credentials: "same-origin",
                            body: JSON.stringify(body)})
      .then(function (resp) {
        return resp.text().then(function (text) { return {status: resp.status, text: text}; });
      });
  }

  function run() {
    var variables = {};
    var raw = $("variables").value.trim();
    if (raw) {
      try { variables = JSON.parse(raw); } catch (e) {
        show("error", "Variables are not valid JSON: " + e.message);
        return;
      }
    }
    var body = {query: $("query").value, variables: variables};
    if ($("operation").value.trim()) { body.operationName = $("operation").value.trim(); }
    $("status").textContent = "running…";
    post(body).then(function (r) {
      var pretty = r.text;
      try { pretty = JSON.stringify(JSON.parse(r.text), null, 2); } catch (e) { /* as sent */ }
      show(r.status === 200 ? "" : "error", pretty, r.status);
    }, function (err) { show("error", String(err)); });
  }

  function show(kind, text, status) {
    $("status").className = kind;
    $("status").textContent = status ? "(" + status + ")" : "";
    $("result").textContent = text;
  }

  function typeName(t) {
    if (t.kind === "NON_NULL") { return typeName(t.ofType) + "!"; }
    if (t.kind === "LIST") { return "[" + typeName(t.ofType) + "]"; }
    return t.name;
  }

  function renderSchema(types) {
    var box = $("types");
    box.textContent = "";
    types.filter(function (t) { return t.name.indexOf("__") !== 0; }).forEach(function (t) {
      var details = document.createElement("details");
      details.setAttribute("data-name", t.name.toLowerCase());
      var summary = document.createElement("summary");
      summary.textContent = t.name + " (" + t.kind.toLowerCase().replace("_", " ") + ")";
      details.appendChild(summary);
      var list = document.createElement("ul");
      (t.fields || t.inputFields || []).forEach(function (f) {
        var item = document.createElement("li");
        var code = document.createElement("code");
        var args = (f.args || []).map(function (a) { return a.name + ": " + typeName(a.type); });
        code.textContent = f.name + (args.length ? "(" + args.join(", ") + ")" : "") +
          ": " + typeName(f.type);
        item.appendChild(code);
        list.appendChild(item);
      });
      details.appendChild(list);
      box.appendChild(details);
    });
  }

  var TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name } } }";
  var INTROSPECT = "{ __schema { types { kind name fields { name args { name type { " +
    TYPE_REF + " } } type { " + TYPE_REF + " } } inputFields { name type { " + TYPE_REF +
    " } } } } }";

  post({query: INTROSPECT}).then(function (r) {
    try {
      var data = JSON.parse(r.text);
      if (data.data) { renderSchema(data.data.__schema.types); return; }
      $("types").textContent = "Introspection is off (GRAPHQL_INTROSPECTION).";
    } catch (e) { $("types").textContent = "The schema could not be read."; }
  });

  $("filter").addEventListener("input", function () {
    var needle = this.value.toLowerCase();
    Array.prototype.forEach.call($("types").children, function (el) {
      el.hidden = needle && el.getAttribute("data-name").indexOf(needle) < 0;
    });
  });
  $("run").addEventListener("click", run);
  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); run(); }
  });
})();
