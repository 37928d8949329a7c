"""pytest glue: every page of the docs is a scenario, every block a test item.

    pytest tests                         # the docs of this repository (tests/examples.docrun)
    pytest tests --docs-dir PATH         # any folder of Markdown, with the same reports
    pytest tests/examples.docrun --update   # rewrite expected outputs from a real run
    pytest tests/examples.docrun --changed  # only pages that could give a different result

This module only connects the runner to pytest: the options, the items (a page run is a
collector whose setup opens it and whose teardown closes it, which pytest also does on
failure and Ctrl-C; a block is an item), the signals, and the report at the end. Reading a
folder is collection.py's job, the life of a page run and of the whole run session.py's.
Nothing of the runner starts until a `.docrun` file is collected, so a run of other tests
(unit tests) starts no engine logic.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from docmodel.errors import SourceError, SourceErrors
from docmodel.page import Page
from docmodel.snippets import SnippetStore, check_shared
from provision import checked_on
from provision.catalogue import CatalogueError
from provision.catalogue import load as load_catalogue

from . import collection, report, shards
from .changed import ChangedCache
from .context import DEFAULT_TIMEOUT
from .kinds import failure_message
from .outcomes import Failed, Verdict
from .passes import PlannedRun
from .session import Handle, Session, Settings

SESSION = pytest.StashKey[Session]()
_said_later: list[str] = []          # progress from the background pass, said by the main thread
_said_lock = threading.Lock()


def pytest_addoption(parser):
    group = parser.getgroup("docrun", "running the documentation's examples")
    group.addoption("--docs-dir", help="run the code blocks of this folder of Markdown instead of the "
                                       "one named in tests/examples.docrun")
    group.addoption("--snippets-dir", help="snippets folder (default: from the .docrun file)")
    group.addoption("--images", help="the images the docs may use, in provision/images.yml's format "
                                     "(default: provision/images.yml)")
    group.addoption("--update", action="store_true",
                    help="rewrite expected outputs in pages and snippets from this run, keeping wildcards")
    group.addoption("--changed", action="store_true",
                    help="run only the pages that could give a different result since they last passed "
                         "(their text, snippets, images, engine or builder changed); report the others as passed")
    group.addoption("--block-timeout", type=float, default=DEFAULT_TIMEOUT,
                    help="seconds a block may take unless its page says <!-- docrun: timeout N --> "
                         f"({DEFAULT_TIMEOUT:.0f})")
    group.addoption("--report-dir", default="reports", help="where blocks.json goes (reports)")
    group.addoption("--docker-builder", choices=("auto", "default", "classic"), default="auto",
                    help="default: the engine's own builder; classic: DOCKER_BUILDKIT=0 for every page; "
                         "auto (the default): also a pass of the pages that build images with the classic "
                         "builder on engines older than 23.0, which still have it as their own")
    group.addoption("--current-engine", choices=("auto", "on", "off"), default="auto",
                    help="run every page again on a current Docker Engine started in a container: auto (the "
                         "default) when the engine here is older than 23.0 and was provisioned by the tests")
    group.addoption("--shard", default=None, metavar="K/N",
                    help="run the K-th of N disjoint parts of the docs' page runs, balanced by the durations in "
                         "--durations-from (a page, its translation and their passes stay together)")
    group.addoption("--durations-from", default="reports/blocks.json", metavar="FILE",
                    help="the report whose durations balance the shards (reports/blocks.json; every machine "
                         "must read the same one)")


def say(config: pytest.Config, line: str | None) -> None:
    """Progress for the person watching, past pytest's output capture. From another thread (the
    background pass) it is kept and said with the main thread's next line."""
    with _said_lock:
        if threading.current_thread() is not threading.main_thread():
            if line is not None:
                _said_later.append(line)
            return
        lines = [*_said_later, *([line] if line is not None else [])]
        _said_later.clear()
    tr = config.pluginmanager.get_plugin("terminalreporter")
    capman = config.pluginmanager.get_plugin("capturemanager")
    if tr is None or not lines:
        return
    if capman is None:
        for text in lines:
            tr.write_line(text)
        return
    with capman.global_and_fixture_disabled():
        for text in lines:
            tr.write_line(text)


def _sigterm(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _session(config: pytest.Config) -> Session:
    """The run's session, made when the first .docrun file is collected."""
    if SESSION not in config.stash:
        opt = config.getoption
        settings = Settings(timeout=opt("block_timeout"), update=opt("update"), verbose=config.get_verbosity() > 0,
                            report_path=Path(config.rootpath) / opt("report_dir") / "blocks.json")
        try:
            catalogue = load_catalogue(Path(opt("images")).resolve(), adopted=True) if opt("images") \
                else load_catalogue()
        except CatalogueError as err:
            raise pytest.UsageError(str(err)) from None
        cache = ChangedCache(getattr(config, "cache", None), reuse=opt("changed"))
        config.stash[SESSION] = Session(settings, cache, catalogue, say=lambda line: say(config, line))
        try:
            signal.signal(signal.SIGTERM, _sigterm)   # CI cancellation: clean up like on Ctrl-C
        except ValueError:
            pass  # not the main thread
    return config.stash[SESSION]


def pytest_configure(config):
    """Options that can be wrong are checked before anything is collected (a clear error, no traceback)."""
    opt = config.getoption
    try:
        if opt("images"):
            load_catalogue(Path(opt("images")).resolve(), adopted=True)
        if opt("shard"):
            shards.Shard.parse(opt("shard"))
    except (CatalogueError, shards.ShardError) as err:
        raise pytest.UsageError(str(err)) from None


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix == ".docrun":
        return DocsFile.from_parent(parent, path=file_path)
    return None


class DocsFile(pytest.File):
    """tests/examples.docrun: `docs_dir:` and `snippets_dir:`, relative to the file."""

    def collect(self):
        opt = self.config.getoption
        session = _session(self.config)
        try:
            where = collection.folders(self.path, opt("docs_dir"), opt("snippets_dir"))
        except collection.FolderError as err:
            raise pytest.UsageError(str(err)) from None
        try:
            shard = shards.Shard.parse(opt("shard")) if opt("shard") else None
        except shards.ShardError as err:
            raise pytest.UsageError(str(err)) from None
        session.results.docs_dir = str(where.docs_dir)
        found = collection.collect(where, session.catalogue, Path(self.config.rootpath))
        first = shard is None or shard.first          # what is not a page run goes with the first shard
        for name, path, err in found.unreadable if first else []:
            yield PageErrors.from_parent(self, name=name, path_=path, error=err)
        runs = collection.plan(found, opt("docker_builder"), opt("current_engine"))
        if shard is not None:
            runs = shards.select(runs, shard, report.read(Path(self.config.rootpath) / opt("durations_from")))
        for run in runs:
            yield PageCollector.from_parent(self, name=run.name, run=run)
        for path in found.snippet_files if first else []:
            yield SnippetItem.from_parent(self, name=f"snippet:{path.stem}", path_=path, store=found.store,
                                          uses=found.uses)


def pytest_collection_finish(session):
    """The page runs pytest will go through, in order, for the session to plan around."""
    if SESSION in session.config.stash:
        runs = []
        for item in session.items:
            if isinstance(item.parent, PageCollector) and item.parent.run not in runs:
                runs.append(item.parent.run)
        session.config.stash[SESSION].plan(runs)


class PageCollector(pytest.Collector):
    """One page in one pass; setup opens the page run, teardown closes it."""

    def __init__(self, *, run: PlannedRun, **kw):
        super().__init__(**kw)
        self.run = run
        self.handle: Handle | None = None

    @property
    def page(self) -> Page:
        return self.run.page

    def collect(self):
        for index, block in enumerate(self.page.blocks):
            yield BlockItem.from_parent(self, name=block.label, index=index)

    def setup(self):
        self.handle = _session(self.config).open(self.run)

    def teardown(self):
        handle, self.handle = self.handle, None
        if handle is not None:
            _session(self.config).close(handle)


class AuthoredFailure(Exception):
    """A failure whose message names file:line and says what went wrong."""


class DocItem(pytest.Item):
    """An item whose failures are already worded for authors: file:line, command, diff."""

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, AuthoredFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class BlockItem(DocItem):
    def __init__(self, *, index: int, **kw):
        super().__init__(**kw)
        self.index = index

    def runtest(self):
        collector: PageCollector = self.parent
        session, handle = _session(self.config), collector.handle
        page, block = collector.page, collector.page.blocks[self.index]
        where = {"engine": handle.engine_label, "builder": handle.builder, "run_key": collector.run.key}
        try:
            outcome, ran_at = session.outcome(handle, self.index)
        except BaseException as err:             # Ctrl-C, or a fault in the runner: still in the report
            session.results.add(page, self.index, Failed(what=f"{type(err).__name__}: {err}".rstrip(": ")),
                                ran_at=report.now(), **where)
            raise
        record = session.results.add(page, self.index, outcome, ran_at=ran_at, shared_with=handle.shared_with,
                                     **where)
        self.user_properties.extend((k, v) for k, v in vars(record).items() if k != "commands")
        if outcome.verdict is Verdict.FAIL:
            raise AuthoredFailure(failure_message(page, block, outcome))
        if outcome.verdict is Verdict.SKIP:
            pytest.skip(record.reason)

    def reportinfo(self):
        block = self.parent.page.blocks[self.index]
        return self.parent.page.path, block.line - 1, f"{self.parent.name}: {block.label}"


class PageErrors(pytest.Collector):
    """A page that can't be read: one failing item naming every problem found, each at its file:line."""

    def __init__(self, *, path_: Path, error: SourceError, **kw):
        super().__init__(**kw)
        self.page_path, self.error = path_, error

    def collect(self):
        yield PageErrorItem.from_parent(self, name="page")


class PageErrorItem(DocItem):
    def runtest(self):
        err = self.parent.error
        for e in (err.errors if isinstance(err, SourceErrors) else [err]):
            _session(self.config).results.add_error(self.parent.name, e.line, e.message)
        raise AuthoredFailure(str(err))

    def reportinfo(self):
        return self.parent.page_path, self.parent.error.line - 1, f"{self.parent.name}: page"


class SnippetItem(DocItem):
    """A snippet must be well-formed and shared by two pages (docmodel/snippets.py)."""

    def __init__(self, *, path_: Path, store: SnippetStore, uses: dict, **kw):
        super().__init__(**kw)
        self.snippet_path, self.store, self.uses = path_, store, uses

    def runtest(self):
        try:
            snippet = self.store.parse_file(self.snippet_path)
            check_shared(snippet, self.uses.get(snippet.name, set()))
        except SourceError as err:
            raise AuthoredFailure(str(err)) from None

    def reportinfo(self):
        return self.snippet_path, 0, self.name


@pytest.hookimpl(trylast=True)  # after pytest's own, which tears down pages left open by Ctrl-C
def pytest_sessionfinish(session, exitstatus):
    if SESSION in session.config.stash:
        session.config.stash[SESSION].finish()
        say(session.config, None)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    results = config.stash[SESSION].results if SESSION in config.stash else None
    if results is None or not results.report:
        return
    terminalreporter.section("docs examples")
    for line, warning in report.summary_lines(results, checked_on.load(), os.path.relpath(results.report_path)):
        terminalreporter.write_line(line, yellow=warning)
