/*
 * Search that knows how readers write the glossary's terms (macros/synonyms.py).
 *
 * Each page carries its site's synonym list (#__kb-synonyms): for every glossary term, the
 * spelling this site's pages use, the other language's, and the Korean spellings to avoid.
 * The query a reader types is rewritten just before it reaches the search worker, so the
 * box still shows what was typed:
 *
 * - a spelling to avoid (도커파일, 도커 파일) becomes the site's own (Dockerfile): no page uses it;
 * - the site's own spelling written with other spacing (바인드마운트) is written as the pages do
 *   (바인드 마운트): the search reads words between spaces;
 * - the other language's term (container on the Korean site) brings the site's own along
 *   (컨테이너) where the search finds pages with any of the words (Material's), or becomes it
 *   where the search wants every word on the page (Zensical's).
 *
 * Spellings match whatever the spacing and hyphens (도커파일, 도커 파일; multi-stage, multistage),
 * in any case, English words as whole words (an English plural too), Korean ones with a
 * particle after them (도커파일을).
 *
 * Both searches run in a worker and send it the query in a message of type 2: Material's as a
 * string, Zensical's as an object with the string in `input`. Worker.prototype.postMessage
 * (and, from file://, the iframe-worker shim's) is wrapped to rewrite that message, whenever
 * the worker is made.
 */
(function () {
  var data = document.getElementById("__kb-synonyms");
  if (!data) return;
  var groups = JSON.parse(data.textContent);
  var HANGUL = /[\uac00-\ud7a3]/;
  var LATIN = /[a-z0-9]/;
  var PARTICLE = "(?:(?:을|를|이|가|은|는|의|에|에서|으로|로|와|과|도|만)(?=\\s|$))?";

  function squeeze(text) { return text.toLowerCase().replace(/[\s-]/g, ""); }

  function escape(c) { return c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function pattern(spelling) {
    var chars = Array.from(spelling.toLowerCase().trim()), out = "";
    for (var i = 0; i < chars.length; i++) {
      if (/[\s-]/.test(chars[i])) {
        if (!/[\s-]/.test(chars[i - 1])) out += "[\\s-]*";
        continue;
      }
      if (i > 0 && HANGUL.test(chars[i]) && HANGUL.test(chars[i - 1])) out += "\\s*";
      out += escape(chars[i]);
    }
    var first = chars[0], last = chars[chars.length - 1];
    if (LATIN.test(first)) out = "(?<![\\p{L}\\p{N}])" + out;
    if (LATIN.test(last)) out += "(?:e?s)?(?![\\p{L}\\p{N}])";
    else if (HANGUL.test(last)) out += PARTICLE;
    return out;
  }

  // Every spelling, longest first, so 도커 파일 is read as Dockerfile, not as 도커 and 파일.
  var entries = [];
  groups.forEach(function (group) {
    var target = group[0];
    entries.push({ spelling: target, target: target, kind: "own" });
    group[1].forEach(function (s) { entries.push({ spelling: s, target: target, kind: "other" }); });
    group[2].forEach(function (s) { entries.push({ spelling: s, target: target, kind: "avoid" }); });
  });
  entries.sort(function (a, b) { return b.spelling.length - a.spelling.length; });
  if (!entries.length) return;
  var spellings = new RegExp(entries.map(function (e) { return "(" + pattern(e.spelling) + ")"; }).join("|"), "giu");

  function rewrite(query, every) {
    var along = [];
    var rewritten = query.replace(spellings, function (match) {
      var groupsFound = Array.prototype.slice.call(arguments, 1, entries.length + 1);
      var entry = entries[groupsFound.findIndex(function (g) { return g !== undefined; })];
      if (entry.kind === "own") return squeeze(match) === squeeze(entry.target) ? entry.target : match;
      if (entry.kind === "avoid" || every) return entry.target;
      along.push(entry.target);
      return match;
    });
    along = along.filter(function (t, i) { return along.indexOf(t) === i; });
    return along.length ? rewritten + " " + along.join(" ") : rewritten;
  }

  function wrap(proto) {
    if (!proto || !proto.postMessage || proto.postMessage.kbSynonyms) return;
    var post = proto.postMessage;
    proto.postMessage = function (message) {
      var args = Array.prototype.slice.call(arguments);
      if (message && message.type === 2) {
        if (typeof message.data === "string") {                                  // Material
          args[0] = { type: 2, data: rewrite(message.data, false) };
        } else if (message.data && typeof message.data.input === "string") {    // Zensical
          var query = Object.assign({}, message.data, { input: rewrite(message.data.input, true) });
          args[0] = Object.assign({}, message, { data: query });
        }
      }
      return post.apply(this, args);
    };
    proto.postMessage.kbSynonyms = true;
  }

  if (window.Worker) wrap(window.Worker.prototype);
  if (window.IFrameWorker) wrap(window.IFrameWorker.prototype);
})();
