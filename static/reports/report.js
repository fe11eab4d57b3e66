/* The report form: its 总计 cells, 全部填0 and 本表其余为空, and 五's items. Plain ES5 for the older
   browsers of government intranets.

   A 总计 (data-sum-of: the cells it adds up) that agrees with its parts follows them as they are
   typed. One that does not, such as a published report's own figure, stays as it is, and the sum
   is offered beside it (采用计算值; 采用本表计算值 for a whole table): a number changes only when
   a person types it or accepts the sum. The offer appears exactly where E8/E9/E10 would speak. */
(function () {
  "use strict";
  var form = document.getElementById("report-form") || document.getElementById("annualreport_form");
  if (!form) { return; }
  var MAX_COUNT = 2147483647;

  // A count as the server reads a figure (reports.parsers.grid.parse_value): full-width digits,
  // 1,234 and 12件 are numbers; anything else is blank or refused, and a sum counts it as 0.
  function count(input) {
    var text = input.value.replace(/[\uff01-\uff5e]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .replace(/\s+/g, "").replace(/,/g, "").replace(/(件|万元|元|项|个|次)$/, "");
    if (!/^[+-]?\d+$/.test(text)) { return null; }
    var number = Number(text);
    return Math.abs(number) <= MAX_COUNT ? number : null;
  }
  function sumOf(total) {
    var any = false, sum = 0;
    total.getAttribute("data-sum-of").split(" ").forEach(function (name) {
      var x = form.elements[name] ? count(form.elements[name]) : null;
      if (x !== null) { any = true; sum += x; }
    });
    return any ? sum : null;
  }
  function disagrees(total) {  // as the rules see it: a blank counts 0
    return (count(total) || 0) !== (sumOf(total) || 0);
  }

  var totals = Array.prototype.slice.call(form.querySelectorAll("input[data-sum-of]"));
  var follows = {};
  function accept(total) {
    total.value = String(sumOf(total) || 0);
    follows[total.name] = true;
  }
  totals.forEach(function (total) {
    follows[total.name] = count(total) === sumOf(total);
    var offer = document.createElement("span");
    offer.className = "computed";
    offer.hidden = true;
    offer.innerHTML = '计算值 <b></b> <button type="button" class="use-computed">采用计算值</button>';
    offer.querySelector("button").addEventListener("click", function () { accept(total); recompute(); });
    total.parentNode.insertBefore(offer, total.nextSibling);
    total.offer = offer;
  });

  function recompute() {
    totals.forEach(function (total) {  // in reading order: a column's 总计 before the corner cell
      var sum = sumOf(total);
      if (follows[total.name] && count(total) !== sum) { total.value = sum === null ? "" : String(sum); }
      total.offer.hidden = !disagrees(total);
      total.offer.querySelector("b").textContent = String(sum || 0);
    });
    Array.prototype.forEach.call(document.querySelectorAll("button.use-table-sums"), function (button) {
      button.hidden = !tableTotals(button).some(disagrees);
    });
  }
  form.addEventListener("input", function (event) {
    var input = event.target;
    if (input.hasAttribute && input.hasAttribute("data-sum-of")) { follows[input.name] = count(input) === sumOf(input); }
    recompute();
  });

  function table(button) {
    return document.querySelector('table.official[data-table="' + button.getAttribute("data-table") + '"]');
  }
  function tableTotals(button) {
    var inputs = table(button).querySelectorAll("input[data-sum-of]");
    return totals.filter(function (total) { return Array.prototype.indexOf.call(inputs, total) >= 0; });
  }
  function fillEmpty(button, text, totalsToo) {
    Array.prototype.forEach.call(table(button).querySelectorAll("input.cell"), function (input) {
      if ((totalsToo || !input.hasAttribute("data-sum-of")) && input.value.trim() === "") { input.value = text; }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("button.use-table-sums"), function (button) {
    button.addEventListener("click", function () {
      tableTotals(button).forEach(function (total) { if (disagrees(total)) { accept(total); } });
      recompute();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("button.fill-zero"), function (button) {
    button.addEventListener("click", function () { fillEmpty(button, "0"); recompute(); });
  });
  // The cells still empty are left blank on purpose ("—"): the parts first, then the totals
  // their sums did not fill.
  Array.prototype.forEach.call(document.querySelectorAll("button.fill-blank"), function (button) {
    button.addEventListener("click", function () {
      fillEmpty(button, "—");
      recompute();
      fillEmpty(button, "—", true);
    });
  });

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
  recompute();
}());
