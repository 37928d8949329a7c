"""The page model: a Markdown page read into the blocks the runner executes, in order.

Every fenced or indented code block is accounted for:

- ```console                     -> ConsoleBlock (commands run, output compared)
- ``` any title="NAME"           -> FileBlock (written to the page's working directory)
- {@ snippet("name") @}          -> ConsoleBlock whose text lives in snippets/name.console
- <!-- docrun: illustrative ... --> or skip before any block -> NotRunBlock
- anything else                  -> PageError: the block is unclassified

plus the hidden actions (setup, waits) between them (see docrun/directives.py).
Lines are 1-based, as editors show them.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from macros.snippets import SnippetStore
from macros.syntax import MacroError, find_calls

from . import directives
from .directives import Directive, DirectiveError
from .transcript import Command, TranscriptError
from .transcript import parse as parse_transcript

CONSOLE_LANGS = {"console"}
ATTR = re.compile(r'(?P<key>[\w-]+)=(?:"(?P<q>[^"]*)"|(?P<v>\S+))')


class PageError(ValueError):
    """Bad input in a page, located at `path:line`."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass
class Origin:
    """Where a console block's text lives, so update mode can rewrite it in place."""
    path: Path            # the file to rewrite (a page or a snippet)
    display: str          # the file as reports show it
    first_line: int       # 1-based line of the block's first content line in that file
    indent: str = ""      # indentation of the block's lines in that file (lists, admonitions)

    def line_of(self, index: int) -> int:
        return self.first_line + index


@dataclass
class Block:
    line: int                               # 1-based line in the page
    kind: str = ""

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.kind}"


@dataclass
class ConsoleBlock(Block):
    commands: list[Command] = field(default_factory=list)
    origin: Origin | None = None
    exit_status: int = 0
    timeout: float | None = None
    snippet: str | None = None              # name, when it comes from snippets/

    @property
    def label(self) -> str:
        first = self.commands[0].text.split("\n")[0] if self.commands else ""
        where = f"snippet {self.snippet}" if self.snippet else "console"
        return f"line {self.line}: {where}: $ {first[:60]}"


@dataclass
class FileBlock(Block):
    filename: str = ""
    content: str = ""

    @property
    def label(self) -> str:
        return f"line {self.line}: file {self.filename}"


@dataclass
class NotRunBlock(Block):
    reason: str = ""
    lang: str = ""


@dataclass
class ActionBlock(Block):
    directive: Directive | None = None

    @property
    def label(self) -> str:
        first = self.directive.args[0] if self.directive and self.directive.args else ""
        return f"line {self.line}: {self.kind} {first}".rstrip()


@dataclass
class Page:
    path: Path
    display: str                             # e.g. ko/containers.md (relative to the docs folder)
    blocks: list[Block]
    directives: list[str]                    # every directive comment as written, in order
    snippets: list[str]                      # snippet names used, in order

    @property
    def lang(self) -> str:
        return self.display.split("/")[0]


def markdown_parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(front_matter_plugin).use(admon_plugin).enable("table")


def fence_info(info: str) -> tuple[str, dict[str, str]]:
    lang, _, rest = info.strip().partition(" ")
    if lang.startswith("{"):
        lang, rest = "", info
    attrs = {m["key"]: m["q"] if m["q"] is not None else m["v"] for m in ATTR.finditer(rest)}
    return lang.lstrip("."), attrs


def _safe_filename(name: str) -> bool:
    p = PurePosixPath(name)
    return bool(name) and not p.is_absolute() and ".." not in p.parts


class _Reader:
    def __init__(self, path: Path, display: str, snippets: SnippetStore | None):
        self.path, self.display, self.snippets = path, display, snippets
        self.source = path.read_text(encoding="utf-8")
        self.lines = self.source.splitlines()
        self.blocks: list[Block] = []
        self.directive_texts: list[str] = []
        self.snippet_names: list[str] = []
        self.pending: list[tuple[int, Directive]] = []

    def error(self, line: int, message: str) -> PageError:
        return PageError(self.display, line, message)

    def read(self) -> Page:
        snippet_calls = self._snippet_calls()
        tokens = markdown_parser().parse(self.source)
        for tok in tokens:
            if tok.map is None or tok.nesting == -1 or tok.type == "inline":
                continue
            line = tok.map[0] + 1
            if tok.type == "html_block" and directives.is_directive(tok.content):
                self._directive(tok.content, line)
            elif tok.type in ("fence", "code_block"):
                self._code(tok, line)
            elif tok.type == "paragraph_open" and line in snippet_calls:
                self._snippet(snippet_calls[line], line)
            elif self.pending:
                self._dangling()
        if self.pending:
            self._dangling()
        return Page(self.path, self.display, self.blocks, self.directive_texts, self.snippet_names)

    def _snippet_calls(self) -> dict[int, str]:
        if self.snippets is None:
            return {}
        try:
            calls = find_calls(self.source, self.display)
        except MacroError as err:
            raise self.error(err.line, err.message) from None
        found = {}
        for call in calls:
            if call.name != "snippet":
                continue
            if not call.standalone or len(call.args) != 1 or not isinstance(call.args[0], str):
                raise self.error(call.line, 'write a snippet as {@ snippet("name") @} alone on its own line')
            found[call.line] = call.args[0]
        return found

    def _dangling(self) -> None:
        line, d = self.pending[0]
        raise self.error(line, f"`docrun: {d.name}` must be directly followed by the code block it applies to")

    def _directive(self, html: str, line: int) -> None:
        try:
            d = directives.parse(html)
        except DirectiveError as err:
            raise self.error(line + err.line, err.message) from None
        self.directive_texts.append(d.text)
        if d.is_modifier:
            self.pending.append((line, d))
            return
        if self.pending:
            self._dangling()
        self.blocks.append(ActionBlock(line=line, kind=d.name, directive=d))

    def _take_modifiers(self) -> dict[str, Directive]:
        mods = {}
        for line, d in self.pending:
            if d.name in mods:
                raise self.error(line, f"`docrun: {d.name}` given twice for one block")
            mods[d.name] = d
        if "illustrative" in mods and "skip" in mods:
            raise self.error(self.pending[0][0], "a block is either illustrative or skipped, not both")
        self.pending = []
        return mods

    def _code(self, tok, line: int) -> None:
        mods = self._take_modifiers()
        lang, attrs = fence_info(tok.info) if tok.type == "fence" else ("", {})
        for name in ("illustrative", "skip"):
            if name in mods:
                self.blocks.append(NotRunBlock(line=line, kind=name, reason=mods[name].options["reason"],
                                               lang=lang))
                return
        if tok.type == "code_block":
            raise self.error(line, "indented code block: use a fenced block (```console, or "
                                   "``` with title=\"FILE\"), or mark it <!-- docrun: illustrative reason=\"...\" -->")
        if "title" in attrs:
            for name in ("exit", "timeout"):
                if name in mods:
                    raise self.error(line, f"`docrun: {name}` does not apply to a file block")
            if not _safe_filename(attrs["title"]):
                raise self.error(line, f"title={attrs['title']!r}: a file block's title must be a relative "
                                       "path inside the page's working directory")
            self.blocks.append(FileBlock(line=line, kind="file", filename=attrs["title"], content=tok.content))
            return
        if lang not in CONSOLE_LANGS:
            shown = f"```{lang}" if lang else "``` (no language)"
            raise self.error(line, f"unclassified code block {shown}: write ```console for commands and their "
                                   'output, give a file block title="NAME", or mark it '
                                   '<!-- docrun: illustrative reason="..." -->')
        content_lines = tok.content.splitlines()
        indent = re.match(r"\s*", self.lines[tok.map[0]]).group(0)
        origin = Origin(self.path, self.display, line + 1, indent)
        self.blocks.append(self._console(content_lines, line, origin, mods, None, self.display))

    def _console(self, lines, line, origin, mods, snippet, display) -> ConsoleBlock:
        try:
            commands = parse_transcript(lines)
        except TranscriptError as err:
            raise PageError(display, origin.line_of(err.line), err.message) from None
        block = ConsoleBlock(line=line, kind="console", commands=commands, origin=origin, snippet=snippet)
        if "exit" in mods:
            block.exit_status = int(mods["exit"].args[0])
        if "timeout" in mods:
            block.timeout = float(mods["timeout"].args[0])
        return block

    def _snippet(self, name: str, line: int) -> None:
        mods = self._take_modifiers()
        try:
            snip = self.snippets.load(name, used_at=(self.display, line))
        except MacroError as err:
            raise PageError(err.path, err.line, err.message) from None
        self.snippet_names.append(name)
        for kind in ("illustrative", "skip"):
            if kind in mods:
                self.blocks.append(NotRunBlock(line=line, kind=kind, reason=mods[kind].options["reason"],
                                               lang="console"))
                return
        origin = Origin(snip.path, snip.display_path, 1, "")
        self.blocks.append(self._console(list(snip.lines), line, origin, mods, name, snip.display_path))


def read_page(path: Path, docs_dir: Path, snippets: SnippetStore | None) -> Page:
    display = path.resolve().relative_to(docs_dir.resolve()).as_posix()
    return _Reader(path, display, snippets).read()


def find_pages(docs_dir: Path) -> list[Path]:
    return sorted(p for p in docs_dir.rglob("*.md") if not any(part.startswith(".") for part in p.parts))


def command_words(command: str) -> list[list[str]]:
    """The simple commands in a shell command line, as word lists (for static checks)."""
    lexer = shlex.shlex(command.replace("\\\n", " "), posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = ""
    words, current = [], []
    try:
        for word in lexer:
            if word and set(word) <= set(";&|()<>"):
                if current:
                    words.append(current)
                current = []
            else:
                current.append(word)
    except ValueError:
        return words
    if current:
        words.append(current)
    return words
