// linkclf report: sort and filter the big tables. The page's only script, allowed by its hash
// in the Content-Security-Policy. It reads cells from the DOM (already escaped text) and only
// ever moves rows, toggles their visibility and sets textContent: no HTML is ever built from
// data, nothing is fetched, nothing is evaluated.
(function () {
  "use strict";

  function cellKey(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) { return numeric ? -Infinity : ""; }
    if (numeric) {
      var raw = cell.getAttribute("data-v");
      var value = parseFloat(raw === null ? cell.textContent.replace(/[^0-9.eE+-]/g, "") : raw);
      return isNaN(value) ? -Infinity : value;
    }
    return cell.textContent.toLowerCase();
  }

  function sortBy(table, th, index) {
    var numeric = th.getAttribute("data-type") === "num";
    // First click: numbers high to low (most links first), text A to Z.
    var current = th.getAttribute("aria-sort");
    var descending = current ? current === "ascending" : numeric;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, i) { return [cellKey(row, index, numeric), i, row]; });
    keyed.sort(function (a, b) {
      if (a[0] < b[0]) { return descending ? 1 : -1; }
      if (a[0] > b[0]) { return descending ? -1 : 1; }
      return a[1] - b[1];
    });
    keyed.forEach(function (item) { body.appendChild(item[2]); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
      other.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  function makeSortable(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.tabIndex = 0;
      th.title = "Sort by this column";
      th.addEventListener("click", function () { sortBy(table, th, index); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(table, th, index);
        }
      });
    });
  }

  function makeFilterable(table) {
    var input = document.createElement("input");
    input.type = "search";
    input.className = "filter";
    input.placeholder = "Filter rows";
    input.setAttribute("aria-label", "Filter the rows of the next table");
    var count = document.createElement("span");
    count.className = "note";
    // Above the scrolling wrapper, so the box stays in view when a wide table scrolls sideways.
    var anchor = table.parentNode.classList.contains("scroll") ? table.parentNode : table;
    anchor.parentNode.insertBefore(input, anchor);
    anchor.parentNode.insertBefore(count, anchor);
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var match = !query || row.textContent.toLowerCase().indexOf(query) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      count.textContent = query ? " " + shown + " of " + table.tBodies[0].rows.length + " rows" : "";
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    makeSortable(table);
    if (table.tBodies[0].rows.length > 10) { makeFilterable(table); }
  });
  document.documentElement.classList.add("js");
})();
