/*
 * Anchors that moved: an old address (page/#old-id, from a wiki) lands where that part of the
 * page now is. docs/redirects.yml declares them; the build gives each page the anchors that
 * moved away from it, each with its new address relative to the page (#__kb-anchors,
 * macros/addresses.py). When the address's anchor is one of them, and the page has no element
 * with that id, the browser goes to the new place (replacing the old address in its history).
 * A page that is gone altogether is a small redirect page of its own, written by the build.
 */
(function () {
  var data = document.getElementById("__kb-anchors");
  if (!data) return;
  var moved = JSON.parse(data.textContent);
  function follow() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id && !document.getElementById(id) && Object.prototype.hasOwnProperty.call(moved, id)) {
      location.replace(moved[id]);
    }
  }
  follow();
  window.addEventListener("hashchange", follow);
})();
