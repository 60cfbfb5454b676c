// Behaviour the pages need, kept out of the HTML: the Content-Security-Policy allows no
// inline script (no onchange="", no javascript: links).
"use strict";

// A select marked data-submit-on-change sends its form when a choice is made (the language switch).
document.addEventListener("change", function (event) {
  var field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) {
    field.form.submit();
  }
});

// A link marked data-history-back goes back a page (the error pages).
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-history-back]");
  if (link) {
    event.preventDefault();
    history.back();
  }
});

// A button marked data-print prints the page (the dashboard's A4 landscape 简报).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
