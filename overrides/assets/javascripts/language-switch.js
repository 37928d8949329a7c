/*
 * Language switch: carry the #anchor the reader is at.
 *
 * The language menu's links already point at this page in the other language: the build
 * writes each page's counterpart into the HTML (macros/alternates.py), so they work
 * without JavaScript, in a new tab, under any base path and from file://. Both languages
 * have the same anchors, so all that is left is the part of the address only the browser
 * knows: just before a language link is followed (click, middle-click, context menu,
 * keyboard), its href gets the current #anchor.
 *
 * The per-page <link rel="alternate" hreflang> tags are for search engines, which read
 * them from the HTML as built (and from both sitemaps). They are taken out of the live
 * page before Material's bundle reads them at DOMContentLoaded: Material 9 fetches a
 * sitemap.xml next to each such tag (a 404 for every page below a language's root) to
 * re-route language links through the sitemap, which these links don't need.
 */
(function () {
  document.querySelectorAll("link[rel=alternate][hreflang]").forEach(function (tag) {
    tag.remove();
  });

  function carryAnchor(event) {
    var link = event.target && event.target.closest ? event.target.closest("a[hreflang]") : null;
    if (!link) return;
    var built = link.getAttribute("data-kb-href");
    if (built === null) {
      built = link.getAttribute("href");
      link.setAttribute("data-kb-href", built);
    }
    link.setAttribute("href", built.split("#")[0] + location.hash);
  }

  ["mousedown", "touchstart", "focusin", "contextmenu", "click", "auxclick"].forEach(function (type) {
    document.addEventListener(type, carryAnchor, true);
  });
})();
