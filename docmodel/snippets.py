"""Snippets: tested console transcripts shared by several pages and both languages.

`snippets/<name>.console` holds one transcript in the form pages use inside a
```console block (see docrun/transcript.py). A page embeds it with

    {@ snippet("<name>") @}

alone on its line, and the build renders it as a console code block. A missing or
malformed snippet fails the build (and the tests) with the snippet's or the page's
file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .transcript import TranscriptError, parse

SUFFIX = ".console"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Snippet:
    name: str
    path: Path
    display_path: str          # as error messages and reports show it, e.g. snippets/docker-ps.console
    lines: tuple[str, ...]

    def as_fence(self) -> str:
        return "```console\n" + "\n".join(self.lines) + "\n```"


class SnippetStore:
    def __init__(self, directory: Path, display_root: Path | None = None):
        self.directory = Path(directory)
        self.display_root = display_root or self.directory.parent

    def _display(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.display_root.resolve()))
        except ValueError:
            return str(path)

    def names(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob(f"*{SUFFIX}"))

    def load(self, name: str, used_at: tuple[str, int] | None = None) -> Snippet:
        """The snippet called `name`; `used_at` (file, line) locates the call for errors."""
        where_used = used_at or (self._display(self.directory), 1)
        if not isinstance(name, str) or not NAME.match(name):
            raise SourceError(*where_used, f"invalid snippet name {name!r}: use lowercase letters, digits and -")
        path = self.directory / f"{name}{SUFFIX}"
        if not path.is_file():
            known = ", ".join(self.names()) or "none"
            raise SourceError(*where_used, f"unknown snippet {name!r}: there is no {self._display(path)} "
                                          f"(known snippets: {known})")
        return self.parse_file(path)

    def parse_file(self, path: Path) -> Snippet:
        display = self._display(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            raise SourceError(display, 1, f"not UTF-8 text ({err.reason})") from None
        lines = text.rstrip().splitlines()
        for i, line in enumerate(lines):
            if line.lstrip().startswith(("```", "~~~")):
                raise SourceError(display, i + 1, "a snippet is the inside of a console block: "
                                                 "it must not contain code fences")
        try:
            parse(lines)
        except TranscriptError as err:
            raise SourceError(display, err.line + 1, f"malformed snippet: {err.message}") from None
        return Snippet(path.stem, path, display, tuple(lines))


def check_shared(snippet: Snippet, pages: set[str]) -> None:
    """A snippet is for commands several pages share: it must be used on two pages at least (a page
    and its translation count as one: `pages` are names without the language directory)."""
    used = sorted(pages)
    if not used:
        raise SourceError(snippet.display_path, 1, "no page uses this snippet "
                                                   f'(embed it with {{@ snippet("{snippet.name}") @}}, or delete it)')
    if len(used) < 2:
        raise SourceError(snippet.display_path, 1, f"only {used[0]} uses this snippet; snippets are for commands "
                                                   "several pages share, so write it on that page instead")
