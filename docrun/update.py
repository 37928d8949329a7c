"""Update mode: rewrite expected outputs in pages and snippets from a real run.

Each mismatching command gives an Edit: replace the lines of its expected output
in the file they come from (a page, or a snippet shared by several pages). Edits
are applied when the run ends, bottom-up per file, each file written atomically.
Two different edits of the same lines (one snippet, two pages that disagree) keep
the first and report the second.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .transcript import Step


@dataclass(frozen=True)
class Edit:
    path: Path
    display: str
    start: int              # 1-based first line to replace
    count: int              # how many lines to replace (0: insert before `start`)
    lines: tuple[str, ...]  # new lines, without the block's indentation
    indent: str

    @classmethod
    def for_output(cls, origin, step: Step, new_output: list[str]) -> "Edit":
        return cls(origin.path, origin.display, origin.line_of(step.output_line), len(step.output),
                   tuple(new_output), origin.indent)


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
        _write_atomically(path, "\n".join(lines) + ("\n" if text.endswith("\n") else ""))
        changed.append(next(iter(file_edits.values())).display)
    return changed, conflicts


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, path.stat().st_mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
