// Codebook pages: paint colour swatches and keep the keyboard focus sensible when a
// row turns into its edit form and back. (The Content Security Policy forbids style
// attributes in the markup; setting a style from the app's own script is allowed.)
(function () {
  "use strict";
  var COLOUR = /^#[0-9a-fA-F]{6}$/;

  function paint(root) {
    root.querySelectorAll(".swatch[data-colour]").forEach(function (swatch) {
      var colour = swatch.getAttribute("data-colour");
      if (COLOUR.test(colour)) swatch.style.backgroundColor = colour;
    });
  }

  document.addEventListener("DOMContentLoaded", function () { paint(document); });

  document.addEventListener("htmx:afterSwap", function (event) {
    paint(event.target.parentNode || document);
  });

  // The row a request came from, so that focus can return to it after the swap.
  var lastRowId = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var row = event.target.closest && event.target.closest("tr[id]");
    lastRowId = row ? row.id : null;
  });

  // After a swap, move the focus to what the person works with next: the first field
  // of an inline form that just opened, or the Edit link of a row that was just saved
  // or whose edit was cancelled.
  document.addEventListener("htmx:afterSettle", function (event) {
    var element = event.target;
    if (!element || !element.querySelector) return;
    var field = element.querySelector(".inline-edit input:not([type=hidden]), .inline-edit select, .inline-edit textarea");
    if (field) { field.focus(); return; }
    var row = lastRowId && document.getElementById(lastRowId);
    var edit = row && row.querySelector("a[hx-get][aria-label^='Edit ']");
    if (edit && (element.tagName === "TR" || !document.activeElement || document.activeElement === document.body)) {
      edit.focus();
      return;
    }
    // A row that became a status line (a restored annotation) takes the focus itself.
    var status = row && row.querySelector("[role=status][tabindex]");
    if (status) status.focus();
  });

  // Escape closes an open inline form without saving.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest(".inline-edit");
    if (!form) return;
    var cancel = form.querySelector("a[hx-get]");
    if (cancel) { event.preventDefault(); cancel.click(); }
  });
})();
