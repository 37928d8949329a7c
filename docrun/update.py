"""Update mode: rewrite expected outputs in pages and snippets from a real run.

A command whose output differed gives an Update in its block's outcome; for each page
that holds the block (a page and its translation share one run), its kind's edits
(kinds.py; `console_edits` for transcripts) turn it into an Edit of that page's own lines
(or of the snippet the block comes from). Edits
are applied when the run ends, bottom-up per file, each file written atomically. Two
different edits of the same lines (one snippet, two pages that disagree) keep the
first and report the second.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from docmodel.page import ConsoleBlock
from kbutil.files import write_atomically

from .outcomes import Outcome, Passed


@dataclass(frozen=True)
class Edit:
    path: Path
    display: str
    start: int              # 1-based first line to replace
    count: int              # how many lines to replace (0: insert before `start`)
    lines: tuple[str, ...]  # new lines, without the block's indentation
    indent: str


def no_edits(block, outcome: Outcome) -> list[Edit]:
    """A kind of block whose text the runner never rewrites."""
    return []


def console_edits(block: ConsoleBlock, outcome: Outcome) -> list[Edit]:
    """The edits an outcome asks of this console block (in the page, or in its snippet)."""
    if not isinstance(outcome, Passed):
        return []
    edits = []
    for update in outcome.updates:
        cmd = block.commands[update.step.command]
        step = cmd if update.step.session_step is None else cmd.session[update.step.session_step]
        origin = block.origin
        edits.append(Edit(origin.path, origin.display, origin.line_of(step.output_line), len(step.output),
                          update.lines, origin.indent))
    return edits


def apply(edits: list[Edit]) -> tuple[list[str], list[str]]:
    """Write the edits; return (files changed, conflicts reported)."""
    by_file: dict[Path, dict[tuple[int, int], Edit]] = defaultdict(dict)
    conflicts = []
    for e in edits:
        key = (e.start, e.count)
        seen = by_file[e.path].get(key)
        if seen and seen.lines != e.lines:
            conflicts.append(f"{e.display}:{e.start}: two runs disagree on this output; kept the first")
            continue
        by_file[e.path][key] = e
    changed = []
    for path, file_edits in by_file.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for (start, count), e in sorted(file_edits.items(), reverse=True):
            new = [(e.indent + line) if line else line for line in e.lines]
            lines[start - 1:start - 1 + count] = new
        write_atomically(path, "\n".join(lines) + ("\n" if text.endswith("\n") else ""))
        changed.append(next(iter(file_edits.values())).display)
    return changed, conflicts
