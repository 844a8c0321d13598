// Progressive enhancement only: every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Buttons with data-confirm ask before their form is sent.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // The first invalid field takes the focus, so keyboard and screen-reader users land on it.
  var invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) { invalid.focus(); }
});
document.addEventListener("DOMContentLoaded", function () {
  // A print button (the school's account slip) opens the browser's print dialog.
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
});
