"""Compare the output a command printed with the output its transcript expects.

What legitimately varies is matched by wildcards the author writes:

- `<id>`, `<digest>`, `<time>`, `<size>`: the actual output's container/image IDs
  (12 or 64 hex digits), `sha256:` digests, times ("3 seconds ago", "Up 2 minutes",
  timestamps) and sizes ("74.8MB") are shown as these placeholders before comparing,
  so the expected output must say `<id>` where an ID appears;
- `...` inside a line matches any text on that line (doctest's ELLIPSIS);
- a line that is only `...` matches any number of lines (progress, pull layers).

Runs of spaces compare equal (table columns move with the width of their values).
Line comparison is doctest's OutputChecker with ELLIPSIS and NORMALIZE_WHITESPACE.

Where a tool may legitimately print its lines in another order (BuildKit's steps under
load, Compose's containers), the block says `<!-- docrun: any-order reason="..." -->` and
`matches_in_any_order` holds: each expected line matches its own actual line, wherever it is.
"""

from __future__ import annotations

import difflib
import doctest
import re

GAP = "..."
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
_checker = doctest.OutputChecker()

_UNITS = "second|minute|hour|day|week|month|year"
MASKS = [
    ("<digest>", re.compile(r"sha256:[0-9a-f]{64}")),
    ("<id>", re.compile(r"(?<![\w.:-])(?:[0-9a-f]{64}|[0-9a-f]{12})(?![\w-])")),
    ("<time>", re.compile(
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|\s?[+-]\d{2}:?\d{2})?(?: [A-Z]{2,5}\b)?"
        rf"|(?:About an?|Less than an?|\d+) (?:{_UNITS})s?(?: ago)?")),
    ("<size>", re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?(?:B|kB|KB|MB|GB|TB|KiB|MiB|GiB)(?![\w])")),
]
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[=>()][0-9A-Za-z]?")


def clean(raw: str) -> list[str]:
    """Terminal output as lines: no colour or cursor codes, no CRs, no trailing blanks."""
    text = ANSI.sub("", raw).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def mask(line: str) -> str:
    for placeholder, pattern in MASKS:
        line = pattern.sub(placeholder, line)
    return line


def is_gap(expected_line: str) -> bool:
    return expected_line.strip() == GAP


def line_matches(expected: str, actual: str) -> bool:
    return _checker.check_output(expected + "\n", actual + "\n", FLAGS)


def _prepare(expected: list[str], actual: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    exp = list(expected)
    while exp and not exp[-1].strip():
        exp.pop()
    return tuple(e.rstrip() for e in exp), tuple(mask(a) for a in actual)


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` (cleaned lines) is what `expected` (transcript lines) describes."""
    exp, act = _prepare(expected, actual)
    n, m = len(exp), len(act)
    # ok[i][j]: exp[i:] matches act[j:]; filled from the end (no recursion on long outputs)
    ok = [[False] * (m + 1) for _ in range(n + 1)]
    ok[n][m] = True
    for i in range(n - 1, -1, -1):
        gap = is_gap(exp[i])
        for j in range(m, -1, -1):
            if gap:
                ok[i][j] = ok[i + 1][j] or (j < m and ok[i][j + 1])
            else:
                ok[i][j] = j < m and ok[i + 1][j + 1] and line_matches(exp[i], act[j])
    return ok[0][0]


def matches_in_any_order(expected: list[str], actual: list[str]) -> bool:
    """Whether every expected line matches a different actual line, in any order. A `...` line
    anywhere allows actual lines that no expected line matches; without one there must be none."""
    exp, act = _prepare(expected, actual)
    lines = [e for e in exp if not is_gap(e)]
    if len(lines) > len(act) or (len(lines) < len(act) and len(lines) == len(exp)):
        return False
    candidates = [[j for j, a in enumerate(act) if line_matches(e, a)] for e in lines]
    taken: dict[int, int] = {}        # actual line -> the expected line it is matched to

    def place(i: int, seen: set[int]) -> bool:     # an augmenting path (Kuhn's matching)
        for j in candidates[i]:
            if j not in seen:
                seen.add(j)
                if j not in taken or place(taken[j], seen):
                    taken[j] = i
                    return True
        return False

    return all(place(i, set()) for i in sorted(range(len(lines)), key=lambda i: len(candidates[i])))


def diff(expected: list[str], actual: list[str]) -> str:
    exp, act = _prepare(expected, actual)
    return "\n".join(difflib.unified_diff(list(exp), list(act), "expected", "actual", lineterm="", n=2))


def updated(expected: list[str], actual: list[str]) -> list[str]:
    """New expected output from a real run, keeping the author's wildcards where they still match.

    Lines of `expected` that match an actual line are kept as written (with their
    `...` and placeholders); `...` lines keep absorbing what they absorbed; every
    other actual line is written as it came (masked); expected lines with no
    counterpart are dropped. The alignment keeps as many expected lines as it can.
    """
    exp, act = _prepare(expected, actual)
    n, m = len(exp), len(act)
    # best[i][j] = (expected lines kept, first move) for exp[i:] against act[j:]
    best: list[list[tuple[int, str]]] = [[(0, "end")] * (m + 1) for _ in range(n + 1)]
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n and j == m:
                continue
            options = []  # listed by preference: the first wins a tie
            if i < n and is_gap(exp[i]):
                if j < m:
                    options.append((best[i][j + 1][0], "absorb"))
                options.append((best[i + 1][j][0] + 1, "close-gap"))
            elif i < n and j < m and line_matches(exp[i], act[j]):
                options.append((best[i + 1][j + 1][0] + 1, "keep"))
            if j < m:
                options.append((best[i][j + 1][0], "new"))
            if i < n:
                options.append((best[i + 1][j][0], "drop"))
            best[i][j] = max(options, key=lambda o: o[0])
    out, i, j = [], 0, 0
    while (move := best[i][j][1]) != "end":
        if move in ("close-gap", "keep"):
            out.append(exp[i])
        elif move == "new":
            out.append(act[j])
        i += move in ("close-gap", "keep", "drop")
        j += move in ("absorb", "keep", "new")
    return out
