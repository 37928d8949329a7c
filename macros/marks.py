"""A mark under every code block, from the last test report: where and when the block was
checked, why it is not run, or since when it fails.

- `for_page` works out each rendered code block's mark. The page model (docmodel/page.py) gives
  the page's blocks in order, each with its line, as the runner saw them: a snippet call is one
  console block, hidden directives (setup, waits) are blocks that render nothing. The report
  (reports/blocks.json, or $DOCKER_KB_REPORT) gives every block's result at its page:line, once
  for every engine and builder it ran with; a page and its translation each at their own lines.
  When the page's blocks are the ones the report lists (the same kinds and snippets in the same
  order), they are paired in order, so an edit that moved lines since the run (a reworded
  paragraph, front matter) doesn't lose a mark. Where blocks were added or removed since, the
  blocks before and after the change are paired, where that is certain: a block the report
  doesn't know, and one that can't be told from it, get no mark. (The report names a block by
  its line and kind only, so a block edited in place keeps its mark until the next run.)
- `MarksExtension` (a Python-Markdown extension, `macros.marks`, registered by settings.py in
  both generators) puts each mark right after its code block in the page's HTML. Code blocks
  are found in the HTML in page order and checked against the page model (the count, and each
  block's first command or line): if the two disagree, the build fails naming the page,
  rather than putting a mark under the wrong example.

The macros module calls `expect(marks)` before each page is rendered (both generators render a
page's Markdown right after, in the same thread) and the extension takes them.

No report, or a page the report doesn't list: no marks.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from markdown import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from docmodel.errors import SourceError
from docmodel.page import ActionBlock, Block, ConsoleBlock, FileBlock, read_page
from docmodel.snippets import SnippetStore

from .last_passed import builder_name

MESSAGES = {
    "ko": {
        "passed": "{date}에 도커 엔진 {engines}에서 확인했습니다.",
        "failed": "{date}부터 도커 엔진 {engines}에서 실패하고 있습니다.",
        "illustrative": "실행하지 않는 예입니다: {reason}",
        "skipped": "실행하지 않았습니다: {reason}",
        "not-run": "지난 실행에서는 확인하지 못했습니다. 이 페이지의 앞선 예제가 실패했습니다.",
        "and": ", ",
        "last": ", ",
    },
    "en": {
        "passed": "checked on Engine {engines}, {date}",
        "failed": "failing since {date} on Engine {engines}",
        "illustrative": "not run: {reason}",
        "skipped": "not run: {reason}",
        "not-run": "not checked in the last run: an earlier example on this page failed",
        "and": ", ",
        "last": " and ",
    },
}

# A block's mark, from its results on every engine and builder: the first status that applies.
ORDER = ("failed", "passed", "not run", "skipped", "illustrative")


@dataclass(frozen=True)
class Mark:
    """What one rendered code block shows under it (`html` "" for none), and how to recognize the
    block in the HTML (`probe`: its first command or line; None for a block not run)."""
    line: int
    probe: str | None
    html: str = ""


def _text(lang: str) -> dict:
    return MESSAGES.get(lang, MESSAGES["en"])


def short_engine(label: str) -> str:
    """`Docker Engine 28.5.2+dfsg4 (linux/amd64)` -> `28.5`."""
    found = re.search(r"Engine (\d+)\.(\d+)", label)
    return f"{found[1]}.{found[2]}" if found else label


def _version_key(label: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.+-]", short_engine(label)))


def _join(items: list[str], text: dict) -> str:
    if len(items) < 2:
        return "".join(items)
    return text["and"].join(items[:-1]) + text["last"] + items[-1]


def _time(stamp: str) -> str:
    when = datetime.fromisoformat(stamp)
    return f'<time datetime="{html.escape(when.isoformat())}">{when.strftime("%Y-%m-%d")}</time>'


def mark_html(entries: list[dict], lang: str, finished: str) -> str:
    """The mark of one block from its report entries (one per engine and builder it ran with)."""
    text = _text(lang)
    status = next(s for s in (*ORDER, entries[0]["status"]) if any(e["status"] == s for e in entries))
    shown = "not-run" if status == "not run" else status
    chosen = [e for e in entries if e["status"] == status]
    title = ""
    if status in ("passed", "failed"):
        engines = sorted({e["engine"] for e in chosen if e.get("engine")}, key=_version_key)
        builders = {engine: [builder_name(e["builder"], lang) for e in chosen
                             if e.get("engine") == engine and e.get("builder")] for engine in engines}
        times = [e["ran_at"] for e in chosen if e.get("ran_at")] or [finished or "1970-01-01T00:00:00+00:00"]
        stamp = max(times) if status == "passed" else min(times)
        body = html.escape(text[status]).format(
            engines=html.escape(_join([short_engine(e) for e in engines], text)), date=_time(stamp))
        title = "; ".join(f"{e}: {', '.join(dict.fromkeys(builders[e]))}" if builders[e] else e for e in engines)
        if status == "failed" and chosen[0].get("reason"):
            title += f" — {chosen[0]['reason']}"
    elif status == "not run":
        body = html.escape(text["not-run"])
    else:
        body = html.escape(text["illustrative" if status == "illustrative" else "skipped"].format(
            reason=chosen[0].get("reason") or ""))
    attributes = f' title="{html.escape(title)}"' if title else ""
    return f'<p class="docrun-mark" data-status="{shown}"{attributes}>{body}</p>'


def _signature(kind: str, source: str) -> tuple[str, str]:
    return kind, source


def _model_signature(block: Block) -> tuple[str, str]:
    snippet = block.origin.display if isinstance(block, ConsoleBlock) and block.snippet else ""
    return _signature(block.kind, snippet)


def _probe(block: Block) -> str | None:
    if isinstance(block, ConsoleBlock) and block.commands:
        return block.commands[0].text.split("\n")[0]
    if isinstance(block, FileBlock):
        return next((line.strip() for line in block.content.splitlines() if line.strip()), None)
    return None


_indexed: list[tuple[int, dict]] = []     # [(id of the report, its blocks by page and line)]


def _by_page(report: dict) -> dict[str, dict[int, list[dict]]]:
    if not (_indexed and _indexed[0][0] == id(report)):
        found: dict[str, dict[int, list[dict]]] = {}
        for entry in report.get("blocks") or []:
            if entry.get("kind") != "page":
                found.setdefault(entry["page"], {}).setdefault(int(entry["line"]), []).append(entry)
        _indexed[:] = [(id(report), found)]
    return _indexed[0][1]


def _common(a: list, b: list) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _ends(a: list, b: list, prefix_first: bool) -> dict[int, int]:
    """Index in `a` -> index in `b`: the blocks both start with, and those both end with (the
    prefix counted first, or the suffix)."""
    if prefix_first:
        p = _common(a, b)
        q = _common(a[p:][::-1], b[p:][::-1])
    else:
        q = _common(a[::-1], b[::-1])
        p = _common(a[:len(a) - q], b[:len(b) - q])
    return {i: i for i in range(p)} | {len(a) - 1 - k: len(b) - 1 - k for k in range(q)}


def pair(model: list[Block], reported: dict[int, list[dict]]) -> dict[int, int]:
    """Index in `model` -> the report's line of the same block (see the module's docstring): the
    blocks before and after what changed since the run, where that is certain (an inserted block
    of the same kind as its neighbour could be either: neither is paired)."""
    lines = sorted(reported)
    theirs = [_signature(reported[line][0]["kind"], reported[line][0].get("source") or "") for line in lines]
    ours = [_model_signature(block) for block in model]
    one, other = _ends(ours, theirs, True), _ends(ours, theirs, False)
    return {i: lines[j] for i, j in one.items() if other.get(i) == j}


def for_page(source: Path, docs_root: Path, snippets: SnippetStore, report: dict | None, lang: str) -> list[Mark]:
    """Each rendered code block of the page at `source`, in order, with its mark; [] without a
    report or when the report doesn't list the page. A page the runner can't read fails (SourceError)."""
    if not report:
        return []
    page_key = source.resolve().relative_to(docs_root.resolve()).as_posix()
    reported = _by_page(report).get(page_key)
    if not reported:
        return []
    model = read_page(source, docs_root, snippets).blocks
    paired = pair(model, reported)
    finished = report.get("finished") or ""
    return [Mark(block.line, _probe(block), mark_html(reported[paired[i]], lang, finished) if i in paired else "")
            for i, block in enumerate(model) if not isinstance(block, ActionBlock)]


# What the page being rendered expects, per thread: set by the macros module before the page's
# Markdown is rendered, taken by the extension as it renders it.
_expected = threading.local()


def expect(page: str, marks: list[Mark]) -> None:
    """The marks of the page about to be rendered (`page`: its source, as errors name it)."""
    _expected.page = (page, marks) if any(mark.html for mark in marks) else None


def _take() -> tuple[str, list[Mark]] | None:
    found = getattr(_expected, "page", None)
    _expected.page = None
    return found


CODE_BLOCK = re.compile(r'<div class="(?:[^"]*\s)?highlight(?:\s[^"]*)?">')
CODE_END = "</pre></div>"


def place(text: str, page: str, marks: list[Mark]) -> str:
    """The page's HTML with each mark after its code block; SourceError if the blocks don't match."""
    blocks = []
    for found in CODE_BLOCK.finditer(text):
        end = text.find(CODE_END, found.end())
        if end < 0:
            break
        blocks.append((found.start(), end + len(CODE_END)))
    if len(blocks) != len(marks):
        raise SourceError(page, marks[0].line if marks else 1,
                          f"the page shows {len(blocks)} code blocks where the runner reads {len(marks)}: "
                          "the report's marks can't be placed under them")
    out, pos = [], 0
    for (start, end), mark in zip(blocks, marks, strict=True):
        shown = html.unescape(re.sub(r"<[^>]+>", "", text[start:end]))
        if mark.probe is not None and mark.probe not in shown:
            raise SourceError(page, mark.line, f"the code block shown here doesn't start as the runner reads it "
                                               f"({mark.probe[:60]!r}): the report's marks can't be placed")
        out += [text[pos:end], mark.html]
        pos = end
    out.append(text[pos:])
    return "".join(out)


class _Start(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        self.md.kb_page_done = False
        return lines


class _Done(Treeprocessor):
    def run(self, root) -> None:
        self.md.kb_page_done = True


class _Placer(Postprocessor):
    """On the page's whole HTML: after the last tree processor (toc runs the post processors
    on each heading's HTML before that)."""

    def run(self, text: str) -> str:
        if not getattr(self.md, "kb_page_done", False):
            return text
        expected = _take()
        if expected is None:
            return text
        page, marks = expected
        try:
            return place(text, page, marks)
        except SourceError as err:
            from .pages import build_error
            raise build_error(err) from None


class MarksExtension(Extension):
    def extendMarkdown(self, md) -> None:
        md.preprocessors.register(_Start(md), "docrun_marks_start", 1000)
        md.treeprocessors.register(_Done(md), "docrun_marks_done", -100)
        md.postprocessors.register(_Placer(md), "docrun_marks", 1)    # after the stashed code blocks are back


def makeExtension(**kwargs) -> MarksExtension:
    return MarksExtension(**kwargs)
