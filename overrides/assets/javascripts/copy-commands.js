/*
 * Copy buttons on console transcripts copy the commands only: no `$ ` prompt, no output.
 *
 * Material copies the `data-copy` attribute of the nearest element that has one,
 * instead of the whole block, so for each console block we compute the commands
 * from Pygments' markup (prompts are .gp, output lines .go) and put them there.
 * A command continued with a trailing backslash keeps its continuation lines.
 */
(function () {
  function commands(code) {
    var lines = [], line = null, continued = false;
    var walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    function finish() {
      if (line && (line.kind === "command" || line.kind === "continuation")) {
        lines.push(line.text);
        continued = /\\\s*$/.test(line.text);
      } else if (line) {
        continued = false;
      }
      line = null;
    }
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var owner = node.parentElement.closest(".gp, .go");
      var parts = node.data.split("\n");
      for (var i = 0; i < parts.length; i++) {
        if (i > 0) finish();
        var text = parts[i];
        if (!line) {
          if (!text) continue;
          line = { kind: owner && owner.classList.contains("gp") ? "command"
                       : owner ? "output" : continued ? "continuation" : "output", text: "" };
          if (line.kind === "command") continue;  // the prompt itself
        }
        line.text += text;
      }
    }
    finish();
    return lines.join("\n");
  }

  function mark() {
    document.querySelectorAll(".language-console .highlight code, .highlight.language-console code")
      .forEach(function (code) {
        var text = commands(code);
        if (text) code.parentElement.setAttribute("data-copy", text);
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
})();
