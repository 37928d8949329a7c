/*
 * Language switch that keeps the page and the anchor.
 *
 * Both languages have the same page paths and heading anchors (tests/test_parity.py
 * keeps them in step), so the same page in the other language is: the other
 * language's root + this page's path below our root + #anchor.
 *
 * Material's own switch looks the page up in the other language's sitemap.xml. That
 * lookup can't work here: the Korean site is the site root, so every address is
 * "under" it; on file:// no sitemap is fetched; and when the site is served from
 * an address other than site_url the sitemap's URLs don't match. It then falls
 * back to the other language's home page, or to the page without its anchor.
 */
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a[hreflang]") : null;
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  var config = JSON.parse(document.getElementById("__config").textContent);
  var root = new URL(config.base.replace(/\/?$/, "/"), location.href).href;
  if (location.href.indexOf(root) !== 0) return;
  event.preventDefault();
  event.stopPropagation();
  location.href = new URL(location.href.slice(root.length), link.href).href;
}, true);
