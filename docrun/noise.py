"""Output the runner itself provokes, which a reader's terminal never shows: removed
before comparing.

On the classic-builder pass the runner sets DOCKER_BUILDKIT=0, and current clients
then print a deprecation notice for the legacy builder on stderr. A reader who runs
the page's command as written never sees it, so it is taken out of the output of
commands that don't set DOCKER_BUILDKIT themselves (a page that shows
`DOCKER_BUILDKIT=0 docker build ...` shows the notice, as its reader sees it).
"""

from __future__ import annotations

import re

LEGACY_BUILDER = re.compile(r"^DEPRECATED: The legacy builder is deprecated")


def legacy_builder_notice(lines: list[str]) -> list[str]:
    """The lines without the legacy builder's notice: its first line, the indented lines
    after it and the blank line that ends it."""
    out, i = [], 0
    while i < len(lines):
        if LEGACY_BUILDER.match(lines[i]):
            i += 1
            while i < len(lines) and lines[i].startswith(" ") and lines[i].strip():
                i += 1
            if i < len(lines) and not lines[i].strip():
                i += 1
            continue
        out.append(lines[i])
        i += 1
    return out


def provoked_by_runner(command: str, classic_pass: bool):
    """The filter for a command's output on this pass (identity when the runner provoked nothing)."""
    if classic_pass and "DOCKER_BUILDKIT" not in command:
        return legacy_builder_notice
    return lambda lines: lines
