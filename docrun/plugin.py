"""pytest plugin: every page of the docs is a scenario, every block a test item.

    pytest tests                         # the docs of this repository (tests/examples.docrun)
    pytest tests --docs-dir PATH         # any folder of Markdown, with the same reports
    pytest tests/examples.docrun --update   # rewrite expected outputs from a real run

A `*.docrun` file in the test tree says where the docs and snippets are. Each
page becomes a collector whose setup starts the page (shell, working directory,
engine snapshot) and whose teardown removes what the page created; pytest runs
that teardown after the page's last block, on failure, and on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from macros.snippets import SUFFIX, SnippetStore
from macros.syntax import MacroError
from provision.catalogue import load as load_catalogue

from . import image_refs, report, update
from .page import (Block, ConsoleBlock, NotRunBlock, Page, PageError, command_words, find_pages,
                   read_page)
from .scenario import BlockFailed, BlockNotRun, Options, PageRun


def pytest_addoption(parser):
    group = parser.getgroup("docrun", "running the documentation's examples")
    group.addoption("--docs-dir", help="run the code blocks of this folder of Markdown instead of the "
                                       "one named in tests/examples.docrun")
    group.addoption("--snippets-dir", help="snippets folder (default: from the .docrun file)")
    group.addoption("--update", action="store_true",
                    help="rewrite expected outputs in pages and snippets from this run, keeping wildcards")
    group.addoption("--block-timeout", type=float, default=120.0,
                    help="seconds a block may take unless its page says <!-- docrun: timeout N --> (120)")
    group.addoption("--report-dir", default="reports", help="where blocks.json goes (reports)")
    group.addoption("--docker-builder", choices=("auto", "default", "classic"), default="auto",
                    help="default: the engine's own builder; classic: DOCKER_BUILDKIT=0 for every page; "
                         "auto (the default): the engine's builder, plus a second pass of the pages that "
                         "build images with the classic builder on engines older than 23.0, which still "
                         "have it as their own")


def _sigterm(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config):
    config.stash[RUNTIME] = Runtime(config)
    try:
        signal.signal(signal.SIGTERM, _sigterm)   # CI cancellation: clean up like on Ctrl-C
    except ValueError:
        pass  # not the main thread


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix == ".docrun":
        return ExamplesFile.from_parent(parent, path=file_path)
    return None


# -- session state ------------------------------------------------------------------

@dataclass
class Runtime:
    config: pytest.Config
    engine: object = None
    engine_info: dict = field(default_factory=dict)
    records: list[report.BlockRecord] = field(default_factory=list)
    edits: list[update.Edit] = field(default_factory=list)
    started: str = field(default_factory=report.now)
    docs_dir: str = ""
    report: dict | None = None
    report_path: Path | None = None
    changed: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        """Progress for the person watching, past pytest's output capture."""
        tr = self.config.pluginmanager.get_plugin("terminalreporter")
        capman = self.config.pluginmanager.get_plugin("capturemanager")
        if tr is None:
            return
        if capman is None:
            tr.write_line(line)
            return
        with capman.global_and_fixture_disabled():
            tr.write_line(line)

    def ensure_engine(self):
        if self.engine is None:
            from provision import prepare
            self.engine = prepare(log=self.say)
            self.engine_info = {
                "label": self.engine.label, "version": self.engine.version,
                "api_version": self.engine.api_version, "os_arch": self.engine.os_arch,
                "builder": self._builder(),
            }
            self.say(f"docrun: {self.engine.label}, {self.engine_info['builder']}")
        return self.engine

    def _builder(self) -> str:
        """The builder `docker build` uses here by default."""
        if self.config.getoption("docker_builder") == "classic" or os.environ.get("DOCKER_BUILDKIT") == "0":
            return "classic builder"
        from provision.buildx import has_buildx
        return "BuildKit" if has_buildx() else "classic builder"

    def classic_pass_skipped(self) -> str:
        """Why the classic-builder pass doesn't run on this engine ("" when it does)."""
        major = self.engine.version.split(".")[0]
        if self.config.getoption("docker_builder") == "auto" and major.isdigit() and int(major) >= 23:
            return (f"the classic-builder pass runs on engines older than 23.0; this one "
                    f"({self.engine.version}) builds with BuildKit")
        return ""

    def builder_name(self, builder: str) -> str:
        return "classic builder" if builder == "classic" else self.engine_info.get("builder", "")

    def options(self, builder: str = "default") -> Options:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
        env.update({"DOCKER_CLI_HINTS": "false", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
        if builder == "classic":
            env["DOCKER_BUILDKIT"] = "0"
        return Options(timeout=self.config.getoption("block_timeout"),
                       update=self.config.getoption("update"), env=env,
                       on_wait=lambda: self.say("docrun: another run is using this engine; waiting for it"))


RUNTIME = pytest.StashKey[Runtime]()


# -- collection -----------------------------------------------------------------------

class ExamplesFile(pytest.File):
    """tests/examples.docrun: `docs_dir:` and `snippets_dir:`, relative to the file."""

    def collect(self):
        conf = yaml.safe_load(self.path.read_text()) or {}
        opt = self.config.getoption
        here = self.path.parent
        docs_dir = Path(opt("docs_dir") or here / conf.get("docs_dir", "../docs")).resolve()
        if opt("snippets_dir"):
            snippets_dir = Path(opt("snippets_dir")).resolve()
        elif opt("docs_dir"):
            snippets_dir = None  # someone else's docs: no snippets unless --snippets-dir says where
        else:
            snippets_dir = (here / conf.get("snippets_dir", "../snippets")).resolve()
        if not docs_dir.is_dir():
            raise pytest.UsageError(f"--docs-dir {docs_dir}: no such folder")
        runtime = self.config.stash[RUNTIME]
        runtime.docs_dir = str(docs_dir)
        store = SnippetStore(snippets_dir, display_root=Path(self.config.rootpath)) if snippets_dir else None
        catalogue = load_catalogue()
        used: dict[str, set[str]] = {}   # snippet -> the pages using it, without the language folder
        mode = opt("docker_builder")
        for path in find_pages(docs_dir):
            name = path.relative_to(docs_dir).as_posix()
            try:
                page, error = read_page(path, docs_dir, store), None
                image_refs.check(page, catalogue)
                for snippet in page.snippets:
                    used.setdefault(snippet, set()).add(name.split("/", 1)[-1])
            except (PageError, MacroError) as err:
                page, error = None, err
            common = dict(path_=path, docs_dir=docs_dir, page=page, error=error, catalogue=catalogue)
            yield PageCollector.from_parent(self, name=name, builder="classic" if mode == "classic" else "default",
                                            **common)
            if mode == "auto" and page and builds_images(page):
                yield PageCollector.from_parent(self, name=f"{name} (classic builder)", builder="classic", **common)
        if snippets_dir and snippets_dir.is_dir():
            for path in sorted(snippets_dir.glob(f"*{SUFFIX}")):
                yield SnippetItem.from_parent(self, name=f"snippet:{path.stem}", path_=path, store=store,
                                              used=used)


def builds_images(page: Page) -> bool:
    """Whether a page runs `docker build`, so its outputs could depend on the builder."""
    return any(words[:2] == ["docker", "build"] or words[:3] == ["docker", "image", "build"]
               or words[:3] == ["docker", "buildx", "build"]
               for block in page.blocks if isinstance(block, ConsoleBlock)
               for cmd in block.commands for words in command_words(cmd.text))


class PageCollector(pytest.Collector):
    """One page as a scenario; its setup starts the page, its teardown cleans up after it."""

    def __init__(self, *, path_: Path, docs_dir: Path, page: Page | None, error: Exception | None,
                 builder: str, catalogue, **kw):
        super().__init__(**kw)
        self.page_path, self.page, self.error, self.builder = path_, page, error, builder
        self.page_name = path_.relative_to(docs_dir).as_posix()
        self.catalogue = catalogue
        self.run: PageRun | None = None
        self.skipped = ""

    def collect(self):
        if self.error is not None:
            yield PageErrorItem.from_parent(self, name="page", error=str(self.error),
                                            line=getattr(self.error, "line", 1))
            return
        for block in self.page.blocks:
            yield BlockItem.from_parent(self, name=block.label, block=block)

    def setup(self):
        if self.page is None:
            return  # unreadable page: its one item fails without an engine
        runtime = self.config.stash[RUNTIME]
        engine = runtime.ensure_engine()
        if self.builder == "classic" and self.name != self.page_name:
            self.skipped = runtime.classic_pass_skipped()
            if self.skipped:
                return
        self.run = PageRun(self.page, engine.client, runtime.options(self.builder)).start()

    def teardown(self):
        if self.run is None:
            return
        runtime = self.config.stash[RUNTIME]
        run, self.run = self.run, None
        removed = run.finish()
        runtime.edits.extend(run.edits)
        if removed.errors:
            runtime.say(f"docrun: cleanup of {self.name} could not remove: {'; '.join(removed.errors)}")
        elif removed and self.config.get_verbosity() > 0:
            runtime.say(f"    cleaned up after {self.name}: {removed.summary()}")
        from provision.images import ensure_images  # a page may have removed a catalogue image
        ensure_images(runtime.engine, self.catalogue, log=runtime.say)


class BlockItem(pytest.Item):
    def __init__(self, *, block: Block, **kw):
        super().__init__(**kw)
        self.block = block

    def _record(self, status: str, reason: str = "", duration: float = 0.0, commands: int = 0) -> None:
        page: PageCollector = self.parent
        runtime = self.config.stash[RUNTIME]
        source = ""
        if isinstance(self.block, ConsoleBlock) and self.block.snippet:
            source = self.block.origin.display
        runtime.records.append(report.BlockRecord(
            page=page.page_name, line=self.block.line, kind=self.block.kind, status=status, reason=reason,
            duration=round(duration, 3), engine=runtime.engine_info.get("label", ""), source=source,
            commands=commands, builder=runtime.builder_name(page.builder)))
        for key, value in (("page", page.page_name), ("builder", runtime.builder_name(page.builder)),
                           ("line", self.block.line), ("kind", self.block.kind),
                           ("status", status), ("reason", reason), ("duration", round(duration, 3)),
                           ("engine", runtime.engine_info.get("label", "")), ("source", source)):
            self.user_properties.append((key, value))

    def runtest(self):
        page: PageCollector = self.parent
        if page.skipped:
            self._record("skipped", page.skipped)
            pytest.skip(page.skipped)
        try:
            result = page.run.run_block(self.block)
        except BlockNotRun as why:
            kind = self.block.kind if isinstance(self.block, NotRunBlock) else "skipped"
            self._record("illustrative" if kind == "illustrative" else "skipped", str(why))
            pytest.skip(str(why))
        except BlockFailed as err:
            self._record("failed", str(err).split("\n")[0])
            raise
        except BaseException as err:
            self._record("failed", f"{type(err).__name__}: {err}")
            raise
        self._record("passed", duration=result.duration, commands=result.commands)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, BlockFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.parent.page_path, self.block.line - 1, f"{self.parent.name}: {self.block.label}"


class PageErrorItem(pytest.Item):
    """A page that can't be read: it fails as one item, and the other pages still run."""

    def __init__(self, *, error: str, line: int, **kw):
        super().__init__(**kw)
        self.error, self.line = error, line

    def setup(self):
        pass

    def runtest(self):
        runtime = self.config.stash[RUNTIME]
        runtime.records.append(report.BlockRecord(page=self.parent.page_name, line=self.line, kind="page",
                                                  status="failed", reason=self.error, duration=0.0, engine=""))
        raise BlockFailed(self.error)

    def repr_failure(self, excinfo):
        return str(excinfo.value)

    def reportinfo(self):
        return self.parent.page_path, self.line - 1, f"{self.parent.name}: page"


class SnippetItem(pytest.Item):
    """A snippet must be well-formed and shared: used on at least two pages (its blocks run there).

    The Korean and English versions of one page count as one page."""

    def __init__(self, *, path_: Path, store: SnippetStore, used: dict, **kw):
        super().__init__(**kw)
        self.snippet_path, self.store, self.used = path_, store, used

    def runtest(self):
        try:
            snippet = self.store.parse_file(self.snippet_path)
        except MacroError as err:
            raise BlockFailed(str(err)) from None
        pages = sorted(self.used.get(snippet.name, ()))
        if not pages:
            raise BlockFailed(f"{snippet.display_path}:1: no page uses this snippet "
                              f'(embed it with {{@ snippet("{snippet.name}") @}}, or delete it)')
        if len(pages) < 2:
            raise BlockFailed(f"{snippet.display_path}:1: only {pages[0]} uses this snippet; snippets are "
                              "for commands several pages share, so write it on that page instead")

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, BlockFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.snippet_path, 0, self.name


# -- end of run -------------------------------------------------------------------------

@pytest.hookimpl(trylast=True)  # after pytest's own, which tears down pages left open by Ctrl-C
def pytest_sessionfinish(session, exitstatus):
    runtime = session.config.stash.get(RUNTIME, None)
    if runtime is None or not runtime.records:
        return
    path = Path(session.config.rootpath) / session.config.getoption("report_dir") / "blocks.json"
    runtime.report = report.write(path, runtime.records, runtime.engine_info, runtime.started, runtime.docs_dir)
    runtime.report_path = path
    if runtime.edits:
        runtime.changed, runtime.conflicts = update.apply(runtime.edits)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    runtime = config.stash.get(RUNTIME, None)
    rep = runtime.report if runtime else None
    if not rep:
        return
    s = rep["summary"]
    tr = terminalreporter
    tr.section("docs examples")
    tr.write_line(f"{s['pages']} pages, {s['blocks']} blocks: {s['run']} run, {s['passed']} passed, "
                  f"{s['failed']} failed, {s['illustrative']} illustrative, {s['skipped']} skipped")
    tr.write_line(f"engine: {rep['engine'].get('label', 'none')} ({rep['engine'].get('builder', '')})")
    tr.write_line(f"report: {os.path.relpath(runtime.report_path)}")
    for name in runtime.changed:
        tr.write_line(f"updated: {name}")
    for line in runtime.conflicts:
        tr.write_line(f"update conflict: {line}", yellow=True)
