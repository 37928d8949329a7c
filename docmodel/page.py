"""The page model: a Markdown page read into the blocks the runner executes, in order.

Every fenced or indented code block is accounted for:

- ```console                     -> ConsoleBlock (commands run, output compared)
- ``` any title="NAME"           -> FileBlock (written to the page's working directory)
- {@ snippet("name") @}          -> ConsoleBlock whose text lives in snippets/name.console
- <!-- docrun: illustrative ... --> or skip before any block -> NotRunBlock
- anything else                  -> an error: the block is unclassified

plus the hidden actions between them (setup, readiness waits; see directives.py).
Reading a page reports every problem it finds at once (SourceErrors), each at its
file:line; lines are 1-based, as editors show them.

A page's *scenario* is what running it does: its blocks, files, directives and
snippet calls in order, without the prose. Two pages with the same scenario (a page
and its translation) give the same results, so the runner runs them once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import ClassVar

from . import directives
from .directives import Directive, DirectiveError
from .dockercli import DockerCommand, ShellSession, docker_commands
from .errors import SourceError, SourceErrors
from .macrocalls import find_calls
from .markdown import fence_info, parser
from .snippets import SnippetStore
from .transcript import Command, TranscriptError
from .transcript import parse as parse_transcript

CONSOLE_LANGS = {"console"}
CONSOLE_MODIFIERS = {"exit", "timeout", "isolated", "buildkit-only", "any-order", "root-only"}
FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(?P<image>\S+)(?:\s+AS\s+(?P<stage>\S+))?", re.I | re.M)


@dataclass(frozen=True)
class Origin:
    """Where a console block's text lives, so update mode can rewrite it in place."""
    path: Path            # the file to rewrite (a page or a snippet)
    display: str          # the file as reports show it
    first_line: int       # 1-based line of the block's first content line in that file
    indent: str = ""      # indentation of the block's lines in that file (lists, admonitions)

    def line_of(self, index: int) -> int:
        return self.first_line + index


@dataclass(frozen=True)
class ImageUse:
    ref: str
    line: int
    what: str             # e.g. "`docker run`", "Dockerfile: FROM"
    made: bool = False    # the block makes this image (build -t, commit, tag) rather than using it


@dataclass
class Block:
    line: int                               # 1-based line in the page
    kind: ClassVar[str] = ""
    executes: ClassVar[bool] = True         # runs (or writes) something when the page runs
    isolated = None                         # the declared reason, on blocks that may declare one
    buildkit_only = None

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.kind}"

    def scenario(self) -> str:
        """What this block does when run, without its position: part of the page's scenario key."""
        raise NotImplementedError

    def docker(self) -> list[tuple[int, DockerCommand]]:
        """The docker commands this block runs, each with its line."""
        return []

    def shell_lines(self) -> list[tuple[int, str]]:
        """The command lines this block gives the page's shell, each with its line."""
        return []

    def images(self) -> list[ImageUse]:
        """The images this block uses (runs, pulls, tags, builds FROM) and makes (build -t,
        commit, tag), in the order its commands do so, each with its line."""
        found = []
        for line, d in self.docker():
            if d.image is not None and d.path != ("push",):
                found.append(ImageUse(d.image, line, f"`docker {d.name}`"))
            elif d.path == ("tag",) and d.operands:
                found.append(ImageUse(d.operands[0], line, "`docker tag`"))
            if d.path == ("build",):
                found += [ImageUse(t, line, "`docker build`", made=True) for t in d.values("-t", "--tag")]
            elif d.path in (("commit",), ("tag",)) and len(d.operands) >= 2:
                found.append(ImageUse(d.operands[1], line, f"`docker {d.name}`", made=True))
        return found


@dataclass
class ConsoleBlock(Block):
    kind: ClassVar[str] = "console"
    commands: list[Command] = field(default_factory=list)
    origin: Origin | None = None
    exit_status: int = 0
    timeout: float | None = None
    snippet: str | None = None              # name, when it comes from snippets/
    isolated: str | None = None             # the declared reason, when it acts on others' objects
    buildkit_only: str | None = None
    any_order: str | None = None            # the declared reason, when its outputs may come in any order
    root_only: str | None = None            # the declared reason, when it can run only as root

    @property
    def label(self) -> str:
        first = self.commands[0].text.split("\n")[0] if self.commands else ""
        where = f"snippet {self.snippet}" if self.snippet else "console"
        return f"line {self.line}: {where}: $ {first[:60]}"

    def command_line(self, cmd: Command) -> int:
        """The page line to name for a command (a snippet's commands are named by the call)."""
        return self.line if self.snippet else self.origin.line_of(cmd.line)

    def scenario(self) -> str:
        parts = [f"console exit={self.exit_status} timeout={self.timeout} snippet={self.snippet} "
                 f"isolated={self.isolated} buildkit={self.buildkit_only} any_order={self.any_order} "
                 f"root={self.root_only}"]
        for cmd in self.commands:
            parts.append(f"$ {cmd.text}\n" + "\n".join(cmd.output))
            for step in cmd.session or []:
                parts.append(f"{step.prompt}{step.text}\n" + "\n".join(step.output))
        return "\n".join(parts)

    def docker(self) -> list[tuple[int, DockerCommand]]:
        return [(self.command_line(cmd), d) for cmd in self.commands for d in cmd.docker]

    def shell_lines(self) -> list[tuple[int, str]]:
        return [(self.command_line(cmd), cmd.text) for cmd in self.commands]


@dataclass
class FileBlock(Block):
    kind: ClassVar[str] = "file"
    filename: str = ""
    content: str = ""
    buildkit_only: str | None = None
    lang: str = ""                          # the fence's language (```dockerfile)

    @property
    def is_dockerfile(self) -> bool:
        name = PurePosixPath(self.filename).name.lower()
        return self.lang.lower() == "dockerfile" or name in ("dockerfile", "containerfile") \
            or name.startswith("dockerfile.") or name.endswith(".dockerfile")

    @property
    def label(self) -> str:
        return f"line {self.line}: file {self.filename}"

    def scenario(self) -> str:
        return f"file {self.filename} buildkit={self.buildkit_only}\n{self.content}"

    def images(self) -> list[ImageUse]:
        """A Dockerfile's FROM images (not its own earlier stages); other files use none."""
        if not self.is_dockerfile:
            return []
        uses, stages = [], set()
        for m in FROM.finditer(self.content):
            if m["image"].lower() not in stages:
                line = self.line + 1 + self.content[:m.start()].count("\n")
                uses.append(ImageUse(m["image"], line, f"{self.filename}: FROM"))
            if m["stage"]:
                stages.add(m["stage"].lower())
        return uses


@dataclass
class NotRunBlock(Block):
    """A block the runner does not run: illustrative (with a reason) or skipped (with a reason)."""
    executes: ClassVar[bool] = False
    illustrative: bool = True               # else skipped: it could run, but the page says not to
    reason: str = ""

    @property
    def kind(self) -> str:                  # type: ignore[override]
        return "illustrative" if self.illustrative else "skipped"

    def scenario(self) -> str:
        return f"{self.kind} {self.reason}"


@dataclass
class ActionBlock(Block):
    """A hidden action between blocks: setup commands or a readiness wait."""
    directive: Directive | None = None

    @property
    def kind(self) -> str:                  # type: ignore[override]
        return self.directive.name

    @property
    def label(self) -> str:
        first = self.directive.args[0] if self.directive.args else ""
        return f"line {self.line}: {self.kind} {first}".rstrip()

    def scenario(self) -> str:
        return self.directive.text

    def docker(self) -> list[tuple[int, DockerCommand]]:
        return [(line, d) for line, text in self.shell_lines() for d in docker_commands(text)]

    def shell_lines(self) -> list[tuple[int, str]]:
        return [(self.line, self.directive.script)] if self.directive.name == "setup" else []


@dataclass
class Page:
    path: Path
    display: str                             # e.g. ko/containers.md (relative to the docs folder)
    blocks: list[Block]
    snippets: list[str]                      # snippet names used, in order

    @property
    def isolated(self) -> str | None:
        """The reason the page runs on an engine of its own, if one of its blocks says so."""
        return next((b.isolated for b in self.blocks if b.isolated), None)

    @property
    def buildkit_only(self) -> str | None:
        return next((b.buildkit_only for b in self.blocks if b.buildkit_only), None)

    @property
    def builds_images(self) -> bool:
        """Whether the page builds images, so its results could depend on the builder."""
        return any(d.builds for b in self.blocks for _, d in b.docker())

    @property
    def scenario_key(self) -> str:
        """A digest of what running the page does: equal for a page and its faithful translation."""
        text = "\n\0\n".join(f"{type(b).__name__}\n{b.scenario()}" for b in self.blocks)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def examples(self) -> list[Block]:
        return [b for b in self.blocks if b.executes]


class _Reader:
    def __init__(self, path: Path, display: str, snippets: SnippetStore | None):
        self.path, self.display, self.snippets = path, display, snippets
        self.source = path.read_text(encoding="utf-8")
        self.lines = self.source.splitlines()
        self.blocks: list[Block] = []
        self.snippet_names: list[str] = []
        self.pending: list[tuple[int, Directive]] = []
        self.errors: list[SourceError] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append(SourceError(self.display, line, message))

    def read(self) -> Page:
        snippet_calls = self._snippet_calls()
        for tok in parser().parse(self.source):
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
        page = Page(self.path, self.display, self.blocks, self.snippet_names)
        self._check_hazards(page)
        if self.errors:
            raise SourceErrors.of(self.errors)
        return page

    def _snippet_calls(self) -> dict[int, str]:
        if self.snippets is None:
            return {}
        try:
            calls = find_calls(self.source, self.display)
        except SourceError as err:
            self.errors.append(err)
            return {}
        found = {}
        for call in calls:
            if call.name != "snippet":
                continue
            if not call.standalone or len(call.args) != 1 or not isinstance(call.args[0], str):
                self.error(call.line, 'write a snippet as {@ snippet("name") @} alone on its own line')
                continue
            found[call.line] = call.args[0]
        return found

    def _dangling(self) -> None:
        line, d = self.pending[0]
        self.error(line, f"`docrun: {d.name}` must be directly followed by the code block it applies to")
        self.pending = []

    def _directive(self, html: str, line: int) -> None:
        try:
            d = directives.parse(html)
        except DirectiveError as err:
            self.error(line + err.line, err.message)
            return
        if d.is_modifier:
            self.pending.append((line, d))
            return
        if self.pending:
            self._dangling()
        self.blocks.append(ActionBlock(line=line, directive=d))

    def _take_modifiers(self, line: int, allowed: set[str]) -> dict[str, Directive] | None:
        """The modifiers waiting for this block, or None (errors recorded) if they don't fit it."""
        mods: dict[str, Directive] = {}
        ok = True
        for at, d in self.pending:
            if d.name in mods:
                self.error(at, f"`docrun: {d.name}` given twice for one block")
                ok = False
            mods[d.name] = d
        self.pending = []
        if "illustrative" in mods and "skip" in mods:
            self.error(line, "a block is either illustrative or skipped, not both")
            ok = False
        if "illustrative" in mods or "skip" in mods:
            return mods if ok else None
        for name in sorted(set(mods) - allowed):
            self.error(line, f"`docrun: {name}` does not apply to this kind of block")
            ok = False
        return mods if ok else None

    def _not_run(self, mods: dict[str, Directive], line: int) -> bool:
        for name in ("illustrative", "skip"):
            if name in mods:
                self.blocks.append(NotRunBlock(line=line, illustrative=name == "illustrative",
                                               reason=mods[name].options["reason"]))
                return True
        return False

    def _code(self, tok, line: int) -> None:
        lang, attrs = fence_info(tok.info) if tok.type == "fence" else ("", {})
        kind_mods = {"buildkit-only"} if "title" in attrs else CONSOLE_MODIFIERS
        mods = self._take_modifiers(line, kind_mods)
        if mods is None or self._not_run(mods, line):
            return
        if tok.type == "code_block":
            self.error(line, "indented code block: use a fenced block (```console, or ``` with title=\"FILE\"), "
                             "or mark it <!-- docrun: illustrative reason=\"...\" -->")
            return
        buildkit = mods["buildkit-only"].options["reason"] if "buildkit-only" in mods else None
        if "title" in attrs:
            if not _safe_filename(attrs["title"]):
                self.error(line, f"title={attrs['title']!r}: a file block's title must be a relative "
                                 "path inside the page's working directory")
                return
            self.blocks.append(FileBlock(line=line, filename=attrs["title"], content=tok.content,
                                         buildkit_only=buildkit, lang=lang))
            return
        if lang not in CONSOLE_LANGS:
            shown = f"```{lang}" if lang else "``` (no language)"
            self.error(line, f"unclassified code block {shown}: write ```console for commands and their output, "
                             'give a file block title="NAME", or mark it <!-- docrun: illustrative reason="..." -->')
            return
        indent = re.match(r"\s*", self.lines[tok.map[0]]).group(0)
        origin = Origin(self.path, self.display, line + 1, indent)
        self._console(tok.content.splitlines(), line, origin, mods, None, self.display)

    def _console(self, lines, line, origin, mods, snippet, display) -> None:
        try:
            commands = parse_transcript(lines)
        except TranscriptError as err:
            self.errors.append(SourceError(display, origin.line_of(err.line), err.message))
            return
        block = ConsoleBlock(line=line, commands=commands, origin=origin, snippet=snippet)
        if "exit" in mods:
            block.exit_status = int(mods["exit"].args[0])
        if "timeout" in mods:
            block.timeout = float(mods["timeout"].args[0])
        if "isolated" in mods:
            block.isolated = mods["isolated"].options["reason"]
        if "buildkit-only" in mods:
            block.buildkit_only = mods["buildkit-only"].options["reason"]
        if "any-order" in mods:
            block.any_order = mods["any-order"].options["reason"]
        if "root-only" in mods:
            block.root_only = mods["root-only"].options["reason"]
        self.blocks.append(block)

    def _snippet(self, name: str, line: int) -> None:
        mods = self._take_modifiers(line, CONSOLE_MODIFIERS)
        try:
            snip = self.snippets.load(name, used_at=(self.display, line))
        except SourceError as err:
            self.errors.append(err)
            return
        self.snippet_names.append(name)
        if mods is None or self._not_run(mods, line):
            return
        origin = Origin(snip.path, snip.display_path, 1, "")
        self._console(list(snip.lines), line, origin, mods, name, snip.display_path)

    def _check_hazards(self, page: Page) -> None:
        """Commands that act on objects the page did not create must be declared. The page's
        command lines are read in order, as its one shell runs them, so a listing kept in a
        variable by one block and acted on in a later one is seen too."""
        session = ShellSession()
        for block in page.blocks:
            commands = [(line, d) for line, text in block.shell_lines() for d in session.read(text)]
            if block.isolated:
                continue
            for line, d in commands:
                for hazard in d.hazards():
                    self.error(line, f"{hazard}: declare the block <!-- docrun: isolated reason=\"...\" --> "
                                     "so the page runs on an engine of its own")


def _safe_filename(name: str) -> bool:
    p = PurePosixPath(name)
    return bool(name) and not p.is_absolute() and ".." not in p.parts


def read_page(path: Path, docs_dir: Path, snippets: SnippetStore | None) -> Page:
    """Read one page; raise SourceError (or SourceErrors, several at once) on bad input."""
    display = path.resolve().relative_to(docs_dir.resolve()).as_posix()
    return _Reader(path, display, snippets).read()


def find_pages(docs_dir: Path) -> list[Path]:
    return sorted(p for p in docs_dir.rglob("*.md") if not any(part.startswith(".") for part in p.parts))
