"""Run one page as a scenario: its blocks in order, in one shell and one working directory.

`PageRun.start()` makes the working directory, the shell and a snapshot of the
engine's objects; `run_block()` runs one block and says how it went;
`finish()` removes whatever the page created, whatever happened before.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import docker

from . import engine_objects, matching, readiness
from .engine_lock import EngineLock
from .interactive import run_session
from .page import ActionBlock, Block, ConsoleBlock, FileBlock, NotRunBlock, Page
from .shell import Shell, ShellDied
from .transcript import Step
from .update import Edit

DEFAULT_TIMEOUT = 120.0


class BlockFailed(Exception):
    """A block did not do what the page says; the message names file:line, command and diff."""


class BlockNotRun(Exception):
    """A block was not run (illustrative, skipped, or an earlier block failed)."""


@dataclass
class Options:
    timeout: float = DEFAULT_TIMEOUT
    update: bool = False
    env: dict[str, str] = field(default_factory=dict)
    on_wait: object = lambda: None        # called when another run holds the engine


@dataclass
class BlockResult:
    """A block that passed: how long it took and how many commands it ran."""
    duration: float = 0.0
    commands: int = 0


def shown(path: Path) -> str:
    """A path as messages show it: relative to the current directory when inside it."""
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


def _where(page: Page, block: Block, step: Step | None = None) -> str:
    """file:line of a block, or of one command in a console block (and its snippet's line)."""
    page_at = f"{shown(page.path)}:{block.line}"
    if step is None or not isinstance(block, ConsoleBlock):
        return page_at
    line = block.origin.line_of(step.line)
    if block.snippet:
        return f"{page_at} (snippet {block.origin.display}:{line})"
    return f"{shown(page.path)}:{line}"


class PageRun:
    def __init__(self, page: Page, client: docker.DockerClient, options: Options):
        self.page, self.client, self.options = page, client, options
        self.workdir: Path | None = None
        self.shell: Shell | None = None
        self.before: engine_objects.Snapshot | None = None
        self.aborted: str = ""                  # why the rest of the page can't run
        self.edits: list[Edit] = []
        self.lock = EngineLock(options.env.get("DOCKER_HOST"))

    # -- life cycle -----------------------------------------------------------------
    def start(self) -> "PageRun":
        self.lock.acquire(self.options.on_wait)
        self.before = engine_objects.snapshot(self.client)
        self.workdir = Path(tempfile.mkdtemp(prefix="docrun-page-"))
        self.shell = Shell(self.workdir, self.options.env)
        return self

    def finish(self) -> engine_objects.Removed:
        try:
            if self.shell:
                self.shell.close()
            removed = (engine_objects.remove_created(self.client, self.before) if self.before
                       else engine_objects.Removed())
            if self.workdir:
                shutil.rmtree(self.workdir, ignore_errors=True)
            return removed
        finally:
            self.lock.release()

    # -- blocks -----------------------------------------------------------------------
    def run_block(self, block: Block) -> BlockResult:
        if isinstance(block, NotRunBlock):
            raise BlockNotRun(block.reason)
        if self.aborted:
            raise BlockNotRun(f"not run: {self.aborted}")
        start = time.monotonic()
        try:
            if isinstance(block, FileBlock):
                self._write_file(block)
                result = BlockResult()
            elif isinstance(block, ConsoleBlock):
                result = self._console(block)
            elif isinstance(block, ActionBlock):
                result = self._action(block)
            else:
                raise TypeError(f"unknown block {block!r}")
        except BlockFailed:
            self.aborted = f"the block at line {block.line} failed"
            raise
        except ShellDied as err:
            self.aborted = f"the page's shell died at line {block.line}"
            raise BlockFailed(f"{_where(self.page, block)}: {err}") from None
        result.duration = time.monotonic() - start
        return result

    def _write_file(self, block: FileBlock) -> None:
        target = self.workdir / block.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.content, encoding="utf-8")

    def _action(self, block: ActionBlock) -> BlockResult:
        d = block.directive
        if d.name == "setup":
            res = self.shell.run(d.script, timeout=self.options.timeout)
            if res.timed_out or res.status != 0:
                status = "timed out" if res.timed_out else f"exit {res.status}"
                raise BlockFailed(f"{_where(self.page, block)}: hidden setup failed ({status}):\n"
                                  f"{d.script}\n--- output ---\n{res.output}")
            return BlockResult(commands=1)
        try:
            readiness.wait(d, self.client)
        except readiness.NotReady as err:
            raise BlockFailed(f"{_where(self.page, block)}: {d.name}: {err}") from None
        return BlockResult()

    def _console(self, block: ConsoleBlock) -> BlockResult:
        timeout = block.timeout or self.options.timeout
        deadline = time.monotonic() + timeout
        for cmd in block.commands:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._timed_out(block, cmd, timeout)
            if cmd.interactive:
                self._interactive(block, cmd, remaining, timeout)
                continue
            res = self.shell.run(cmd.text, timeout=remaining)
            if res.timed_out:
                self._timed_out(block, cmd, timeout, res.output)
            self._compare(block, cmd, matching.clean(res.output), res.status)
        return BlockResult(commands=len(block.commands))

    def _interactive(self, block: ConsoleBlock, cmd, remaining: float, timeout: float) -> None:
        env, cwd = self.shell.environment()
        session = run_session(cmd.text, cmd.session, cwd, env, remaining)
        if session.timed_out:
            self._timed_out(block, cmd, timeout, session.error)
        if session.error:
            raise BlockFailed(f"{_where(self.page, block, cmd)}: $ {cmd.text}\n{session.error}")
        self._compare(block, cmd, session.before_prompt, None)
        for step in session.steps:
            self._compare(block, step.step, step.output, step.status)
        self._check_status(block, cmd, session.status, session.before_prompt)

    def _timed_out(self, block, cmd, timeout: float, output: str = "") -> None:
        self.aborted = f"the block at line {block.line} timed out"
        raise BlockFailed(f"{_where(self.page, block, cmd)}: timed out after {timeout:.0f}s "
                          f"(the block's limit; raise it with <!-- docrun: timeout N -->)\n"
                          f"$ {cmd.text}\n{output[-2000:]}".rstrip())

    def _compare(self, block: ConsoleBlock, step: Step, actual: list[str], status: int | None) -> None:
        if status is not None:
            self._check_status(block, step, status, actual)
        if matching.matches(step.output, actual):
            return
        if self.options.update:
            self.edits.append(Edit.for_output(block.origin, step, matching.updated(step.output, actual)))
            return
        raise BlockFailed(f"{_where(self.page, block, step)}: the output differs from the page\n"
                          f"{step.prompt}{step.text}\n{matching.diff(step.output, actual)}")

    def _check_status(self, block: ConsoleBlock, step: Step, status: int | None, actual: list[str]) -> None:
        expected = block.exit_status if step.prompt == "$ " else 0
        if status is not None and status != expected:
            shown = "\n".join(actual[-20:])
            raise BlockFailed(f"{_where(self.page, block, step)}: exit status {status}, "
                              f"expected {expected}\n{step.prompt}{step.text}\n{shown}")
