// Codebook pages: paint each entry's colour swatch from its data-colour attribute.
// (The Content Security Policy forbids style attributes in the markup; setting a
// style from the app's own script is allowed.)
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
  document.addEventListener("htmx:afterSwap", function (event) { paint(event.target); });
})();
