// The dashboard's charts and drill-down, loaded as a static file (the CSP allows no inline script).
// - Each [data-vega-spec] element is drawn by vega-embed from the Vega-Lite spec in the JSON block it names. `ast`
//   makes Vega interpret expressions instead of compiling them with `new Function` (the CSP allows no eval);
//   `defaultStyle: false` and no tooltip handler keep vega-embed from adding a <style> element.
// - A drill link (hx-get of the drill table) also names its view's tiles fragment in data-tiles: once the table is
//   swapped in, the tiles of the same view are fetched too, so tiles and table always show one view.
(function () {
  "use strict";
  var OPTIONS = { actions: false, ast: true, defaultStyle: false, tooltip: false, renderer: "svg" };

  function draw(root) {
    root.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-vega-spec"));
      if (!source || element.hasAttribute("data-drawn") || typeof vegaEmbed !== "function") {
        return;
      }
      element.setAttribute("data-drawn", "");
      vegaEmbed(element, JSON.parse(source.textContent), OPTIONS).catch(function (error) {
        element.textContent = "The chart could not be drawn (" + error.message + "); the table below has its numbers.";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
    htmx.onLoad(draw);
    // The link that asked for the table was swapped out with the old one, so htmx fires afterRequest again on its
    // nearest ancestor still in the page, and event.detail.elt names that ancestor: the link is the request's.
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var link = event.detail.requestConfig && event.detail.requestConfig.elt;
      var tiles = link && link.getAttribute && link.getAttribute("data-tiles");
      if (tiles && event.detail.successful) {
        htmx.ajax("GET", tiles, { target: "#tiles", swap: "outerHTML" });
      }
    });
  });
})();
