/* Forms that forgive (loaded by every page; the CSP forbids inline scripts).
   - After a refused form, the error summary at the top of the page takes the focus, so a screen reader reads it
     and the keyboard starts from it; each of its links puts the focus in its field.
   - A field with a maximum length (data-maxlength, from the form's Length check) shows a live counter
     « 120 / 2000 caractères » instead of cutting a pasted text short: the server says when it is too long.
     A text area shows it always, a one-line field from 80 % of its limit. */
(function () {
  "use strict";
  var script = document.currentScript;
  var format = (script && script.getAttribute("data-counter")) || "{count} / {max}";
  var number = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function focusSummary() {
    var summary = document.querySelector(".error-summary");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      var focusable = field.matches("input, select, textarea, button") ? field : field.querySelector("input, select, textarea");
      (focusable || field).focus();
    });
  }

  function addCounter(field) {
    var max = parseInt(field.getAttribute("data-maxlength"), 10);
    if (!max || field.type === "password" || field.type === "hidden") return;
    var counter = document.createElement("span");
    counter.className = "char-count";
    counter.id = (field.id || field.name) + "-count";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    var always = field.tagName === "TEXTAREA";  // a line shows its counter only near its limit (names, places…)
    function update() {
      var count = field.value.length;
      counter.textContent = format.replace("{count}", number.format(count)).replace("{max}", number.format(max));
      counter.classList.toggle("over", count > max);
      counter.hidden = !always && count < 0.8 * max;
    }
    field.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusSummary();
    document.querySelectorAll("[data-maxlength]").forEach(addCounter);
  });
})();
