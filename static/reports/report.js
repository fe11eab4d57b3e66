/* The report form: computed 总计 cells (the agency's page) follow the figures as they are typed
   (the server computes them again on save), and 全部填0 fills a table's empty cells.
   Plain ES5 for the older browsers of government intranets. */
(function () {
  "use strict";
  // The agency's edit form says which rows are outcomes; the admin's form only needs 全部填0.
  var form = document.querySelector("form[data-outcomes]") || document.getElementById("annualreport_form");
  if (!form) { return; }
  var outcomes = (form.getAttribute("data-outcomes") || "").split(",");
  var applicants = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other"];
  var results = ["upheld", "corrected", "other", "pending"];
  var groups = ["reconsideration", "litigation_direct", "litigation_after_reconsideration"];

  function value(name) {
    var input = form.elements[name];
    if (!input || input.value.trim() === "") { return null; }
    // Chinese input methods type full-width digits (１２), which the server reads as numbers too.
    var text = input.value.replace(/[\uff10-\uff19]/g, function (d) { return String.fromCharCode(d.charCodeAt(0) - 0xfee0); });
    var number = Number(text);
    return isNaN(number) ? 0 : number;
  }
  function setSum(target, names) {
    var input = form.elements[target];
    if (!input || input.className.indexOf("total") < 0) { return; }  // typed totals stay typed
    var any = false, total = 0;
    names.forEach(function (name) {
      var x = value(name);
      if (x !== null) { any = true; total += x; }
    });
    input.value = any ? String(total) : "";
  }
  function rowsOfTableThree() {
    var rows = [];
    Array.prototype.forEach.call(form.elements, function (input) {
      var match = /^applications__(\w+?)__natural_person$/.exec(input.name);
      if (match) { rows.push(match[1]); }
    });
    return rows;
  }
  function recompute() {
    rowsOfTableThree().forEach(function (row) {
      setSum("applications__" + row + "__total", applicants.map(function (c) { return "applications__" + row + "__" + c; }));
    });
    applicants.concat(["total"]).forEach(function (column) {
      setSum("applications__total_processed__" + column, outcomes.map(function (row) { return "applications__" + row + "__" + column; }));
    });
    groups.forEach(function (group) {
      setSum("review_litigation__" + group + "__total", results.map(function (r) { return "review_litigation__" + group + "__" + r; }));
    });
  }
  form.addEventListener("input", recompute);

  // 五: add and remove items (without scripts, a spare empty box is there to fill in).
  function removable(li) {
    var button = li.querySelector(".remove-item");
    button.hidden = false;
    button.addEventListener("click", function () { li.parentNode.removeChild(li); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("ol.item-list li"), removable);
  Array.prototype.forEach.call(document.querySelectorAll("button.add-item"), function (add) {
    add.hidden = false;
    add.addEventListener("click", function () {
      var list = document.querySelector('ol.item-list[data-name="' + add.getAttribute("data-name") + '"]');
      var li = document.createElement("li");
      li.innerHTML = '<textarea rows="2" class="item"></textarea> <button type="button" class="remove-item">删除</button>';
      li.querySelector("textarea").name = add.getAttribute("data-name");
      list.appendChild(li);
      removable(li);
      li.querySelector("textarea").focus();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.fill-zero"), function (button) {
    button.addEventListener("click", function () {
      var table = document.querySelector('table.official[data-table="' + button.getAttribute("data-table") + '"]');
      Array.prototype.forEach.call(table.querySelectorAll("input.cell"), function (input) {
        if (!input.disabled && input.value.trim() === "") { input.value = "0"; }
      });
      recompute();
    });
  });
  recompute();
}());
