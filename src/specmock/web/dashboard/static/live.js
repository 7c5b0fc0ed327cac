// The requests page: new journal entries arrive by server-sent events and go on top; the filters
// (API, status class or code, session) hide the rows that do not match. Rows are built with
// textContent only: paths and messages come from clients.
(function () {
  "use strict";
  var root = document.currentScript.dataset.root;
  var body = document.getElementById("entries");
  var form = document.getElementById("filters");
  var state = document.getElementById("live-state");
  var empty = document.getElementById("empty");
  var KEEP = 500;

  function cell(row, className) {
    var td = document.createElement("td");
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function span(parent, className, text) {
    var s = document.createElement("span");
    s.className = className;
    s.textContent = text;
    parent.appendChild(s);
    return s;
  }

  function rowOf(entry) {
    var row = document.createElement("tr");
    row.className = "entry fresh" + (entry.violations.length ? " violated" : "");
    row.dataset.id = entry.id;
    row.dataset.api = entry.api || "";
    row.dataset.status = entry.status;
    row.dataset.session = entry.session;
    var time = document.createElement("time");
    time.dateTime = entry.at;
    time.textContent = entry.at.slice(11, 19);
    cell(row, "at").appendChild(time);
    span(cell(row), "method", entry.method);
    var link = document.createElement("a");
    link.href = root + "/ui/requests/" + entry.id;
    link.textContent = entry.path;
    cell(row, "path").appendChild(link);
    span(cell(row), "status s" + Math.floor(entry.status / 100) + "xx", String(entry.status));
    cell(row, "sess").textContent = entry.session || "(default)";
    var found = cell(row, "violations");
    var count = entry.violations.length;
    if (!count) {
      span(found, "ok", "none");
    } else {
      span(found, "flag", "⚠ " + count + " violation" + (count > 1 ? "s" : ""));
      found.appendChild(document.createTextNode(": "));
      entry.violations.forEach(function (v, i) {
        var item = span(found, "violation", v["in"] + " ");
        var name = document.createElement("code");
        name.textContent = v.name;
        item.appendChild(name);
        item.appendChild(document.createTextNode(": " + v.message));
        if (i < count - 1) found.appendChild(document.createTextNode("; "));
      });
    }
    return row;
  }

  function matches(row) {
    var api = form.elements.api.value;
    var status = form.elements.status.value.trim().toLowerCase();
    var session = form.elements.session.value.trim();
    if (api && row.dataset.api !== api) return false;
    if (session && row.dataset.session !== session) return false;
    if (status) {
      var code = row.dataset.status;
      if (/^[1-5]xx$/.test(status)) return code[0] === status[0];
      return code === status;
    }
    return true;
  }

  function filter() {
    Array.prototype.forEach.call(body.rows, function (row) {
      row.hidden = !matches(row);
    });
  }

  form.addEventListener("input", filter);
  form.addEventListener("change", filter);

  var source = new EventSource(root + "/requests/stream");
  source.addEventListener("open", function () { state.textContent = "live"; });
  source.addEventListener("error", function () { state.textContent = "reconnecting…"; });
  source.addEventListener("entry", function (message) {
    var entry = JSON.parse(message.data);
    if (body.querySelector('tr[data-id="' + entry.id + '"]')) return;
    var row = rowOf(entry);
    row.hidden = !matches(row);
    body.insertBefore(row, body.firstChild);
    while (body.rows.length > KEEP) body.deleteRow(-1);
    empty.hidden = true;
  });
  filter();
})();
