"""pytest glue: every page of the docs is a scenario, every block a test item.

    pytest tests                         # the docs of this repository (tests/examples.docrun)
    pytest tests --docs-dir PATH         # any folder of Markdown, with the same reports
    pytest tests/examples.docrun --update   # rewrite expected outputs from a real run
    pytest tests/examples.docrun --changed  # only pages that could give a different result

A `*.docrun` file in the test tree says where the docs and snippets are. Each page
run (a page in one pass) is a collector whose setup starts the page and whose
teardown removes what it created; pytest runs that teardown after the page's last
block, on failure, and on Ctrl-C. Reading pages is docmodel's job, planning the
passes passes.py's, running blocks scenario.py's and evaluators.py's; this module
only connects them to pytest.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
import yaml

from docmodel.errors import SourceError, SourceErrors
from docmodel.page import NotRunBlock, Page, find_pages, read_page
from docmodel.snippets import SUFFIX, SnippetStore
from provision import checked_on
from provision.catalogue import load as load_catalogue

from . import images_check, lifecycle, passes, probe, report, update
from .background import BackgroundPass
from .engines import Engines
from .evaluators import evaluator_for
from .outcomes import EngineDown, Failed, Outcome
from .passes import PlannedRun
from .results import CACHE_KEY, Results, cache_entry, cached_outcomes, changed_key
from .scenario import DEFAULT_TIMEOUT, EngineStopped, PageRun

ENGINES = pytest.StashKey[Engines]()
RESULTS = pytest.StashKey[Results]()
BACKGROUND = pytest.StashKey["BackgroundPass | None"]()
_said_later: list[str] = []          # progress from the background pass, said by the main thread
_said_lock = threading.Lock()


def pytest_addoption(parser):
    group = parser.getgroup("docrun", "running the documentation's examples")
    group.addoption("--docs-dir", help="run the code blocks of this folder of Markdown instead of the "
                                       "one named in tests/examples.docrun")
    group.addoption("--snippets-dir", help="snippets folder (default: from the .docrun file)")
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


def _settings(config: pytest.Config) -> lifecycle.Settings:
    return lifecycle.Settings(timeout=config.getoption("block_timeout"), update=config.getoption("update"),
                              on_wait=lambda: say(config, "docrun: another run is using this engine; waiting"))


def _background(collector: PageCollector) -> BackgroundPass | None:
    """The background current-engine pass, started at the first page run: every selected leader run
    of that pass whose result --changed can't reuse, on the current engine, beside the other passes."""
    config = collector.config
    if BACKGROUND in config.stash:
        return config.stash[BACKGROUND]
    config.stash[BACKGROUND] = None
    engines, results = config.stash[ENGINES], config.stash[RESULTS]
    runs: list[PageCollector] = []
    for item in collector.session.items:
        page = item.parent
        if isinstance(page, PageCollector) and page.run.run_pass.engine == "current" and page.run.leader is None \
                and page not in runs:
            runs.append(page)
    for page in runs:
        page.builder = engines.builder(page.run.run_pass)
        page._from_cache(engines)
    todo = [page for page in runs if page.reused is None]
    if len(todo) < 2 or collector.run.run_pass.engine == "current":
        return None                   # nothing to run beside the other passes
    engines.start_current()           # before any page runs on the host engine
    by_run = {id(page.run): page for page in todo}

    def start(run):
        page = by_run[id(run)]
        return lifecycle.begin(run, engines, results, page.catalogue, _settings(config), page.builder)

    def finish(run, page_run):
        return lifecycle.end(run, page_run, engines, by_run[id(run)].catalogue, config.get_verbosity() > 0)

    background = BackgroundPass([page.run for page in todo], start, finish, log=engines.log)
    config.stash[BACKGROUND] = background.start()
    say(config, f"docrun: {len(todo)} page runs on {engines.current.label} go on beside the others")
    return background


def _sigterm(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config):
    config.stash[ENGINES] = Engines(log=lambda line: say(config, line))
    config.stash[RESULTS] = Results()
    try:
        signal.signal(signal.SIGTERM, _sigterm)   # CI cancellation: clean up like on Ctrl-C
    except ValueError:
        pass  # not the main thread


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix == ".docrun":
        return DocsFile.from_parent(parent, path=file_path)
    return None


# -- collection -----------------------------------------------------------------------

class DocsFile(pytest.File):
    """tests/examples.docrun: `docs_dir:` and `snippets_dir:`, relative to the file."""

    def folders(self) -> tuple[Path, Path | None]:
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
            raise pytest.UsageError(f"--docs-dir {docs_dir}: no such directory")
        return docs_dir, snippets_dir

    def collect(self):
        opt = self.config.getoption
        docs_dir, snippets_dir = self.folders()
        self.config.stash[RESULTS].docs_dir = str(docs_dir)
        store = SnippetStore(snippets_dir, display_root=Path(self.config.rootpath)) if snippets_dir else None
        catalogue = load_catalogue()
        pages: list[Page] = []
        used: dict[str, set[str]] = {}   # snippet -> the pages using it, without the language directory
        for path in find_pages(docs_dir):
            name = path.relative_to(docs_dir).as_posix()
            try:
                page = read_page(path, docs_dir, store)
                images_check.check(page, catalogue)
            except SourceError as err:
                yield PageErrors.from_parent(self, name=name, path_=path, error=err)
                continue
            pages.append(page)
            for snippet in page.snippets:
                used.setdefault(snippet, set()).add(name.split("/", 1)[-1])
        outlook = probe.outlook()
        for run in passes.plan(pages, opt("docker_builder"), opt("current_engine"), outlook):
            yield PageCollector.from_parent(self, name=run.name, run=run, catalogue=catalogue)
        if snippets_dir and snippets_dir.is_dir():
            for path in sorted(snippets_dir.glob(f"*{SUFFIX}")):
                yield SnippetItem.from_parent(self, name=f"snippet:{path.stem}", path_=path, store=store, used=used)


class PageCollector(pytest.Collector):
    """One page in one pass; its setup starts the page (or finds the outcomes it reuses)."""

    def __init__(self, *, run: PlannedRun, catalogue, **kw):
        super().__init__(**kw)
        self.run, self.catalogue = run, catalogue
        self.page_run: PageRun | None = None
        self.release = lambda: None
        self.reused: dict[int, tuple[Outcome, str]] | None = None
        self.shared_with = ""
        self.cache_key = ""
        self.engine_label = self.builder = ""
        self.ran = False            # this run's own blocks ran (here, or in the background pass)

    @property
    def page(self) -> Page:
        return self.run.page

    def collect(self):
        for index, block in enumerate(self.page.blocks):
            yield BlockItem.from_parent(self, name=block.label, index=index)

    def setup(self):
        engines, results = self.config.stash[ENGINES], self.config.stash[RESULTS]
        run = self.run
        self.builder = engines.builder(run.run_pass)
        results.page_images[self.page.display] = images_check.catalogue_images(self.page, self.catalogue)
        leader = run.leader
        if leader is not None and (done := results.complete(id(leader), len(self.page.blocks))):
            self.reused, self.shared_with = done, leader.page.display
            self.engine_label = results.engines.get(id(leader), "")
            return
        try:
            self._from_cache(engines)
            if self.reused is not None:
                return
            background = _background(self)
            if background is not None and run in background:
                done = background.wait(run)
                for line in done.messages:
                    say(self.config, line)
                self.reused, self.ran = done.outcomes, True
                self.engine_label = results.engines.get(id(run), done.engine_label)
                if len(done.outcomes) == len(self.page.blocks):
                    return
                raise EngineStopped(engines.current.address if engines.current else "the current engine")
            self.page_run, self.release = lifecycle.begin(run, engines, results, self.catalogue,
                                                          _settings(self.config), self.builder)
            self.engine_label, self.ran = results.engines[id(run)], True
        except EngineStopped as err:
            engines.mark_stopped(err.address)
            self.reused = {i: (evaluator_for(b)(b, None) if isinstance(b, NotRunBlock) else EngineDown(
                address=err.address), "") for i, b in enumerate(self.page.blocks)}

    def _from_cache(self, engines: Engines) -> None:
        """Work out the page run's --changed key; with --changed, reuse what passed under it."""
        cache = getattr(self.config, "cache", None)
        if cache is None:
            return
        self.cache_key = changed_key(self.run, engines, self.catalogue, self.builder)
        entry = (cache.get(CACHE_KEY, {}) or {}).get(self.cache_key) if self.config.getoption("changed") else None
        if entry and (outcomes := cached_outcomes(entry, self.page.blocks)):
            self.reused = dict(enumerate(outcomes))
            self.shared_with = "an earlier run (--changed: nothing changed)"
            self.engine_label = self.config.stash[RESULTS].engines[id(self.run)] = entry.get("engine", "")

    def outcome(self, index: int) -> tuple[Outcome, str]:
        if self.reused is not None:
            return self.reused[index]
        outcome = self.page_run.run(index)
        if self.page_run.engine_stopped is not None:
            self.config.stash[ENGINES].mark_stopped(self.page_run.engine_stopped.address)
        return outcome, report.now()

    def teardown(self):
        engines, results = self.config.stash[ENGINES], self.config.stash[RESULTS]
        page_run, self.page_run = self.page_run, None
        try:
            if page_run is not None:
                for line in lifecycle.end(self.run, page_run, engines, self.catalogue,
                                          self.config.get_verbosity() > 0):
                    say(self.config, line)
            if self.ran:
                self._remember(results)
        finally:
            self.release()
            self.release = lambda: None

    def _remember(self, results: Results) -> None:
        """Keep the key of a page run that passed, for a later --changed."""
        if not self.cache_key:
            return
        done = results.complete(id(self.run), len(self.page.blocks))
        entry = cache_entry([done[i] for i in sorted(done)]) if done else None
        if entry:
            entry["engine"] = self.engine_label
            saved = self.config.cache.get(CACHE_KEY, {}) or {}
            saved[self.cache_key] = entry
            self.config.cache.set(CACHE_KEY, saved)


class DocItem(pytest.Item):
    """An item whose failures are already worded for authors: file:line, command, diff."""

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, AuthoredFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class AuthoredFailure(Exception):
    """A failure whose message names file:line and says what went wrong."""


class BlockItem(DocItem):
    def __init__(self, *, index: int, **kw):
        super().__init__(**kw)
        self.index = index

    def runtest(self):
        collector: PageCollector = self.parent
        page, block = collector.page, collector.page.blocks[self.index]
        results = self.config.stash[RESULTS]
        try:
            outcome, ran_at = collector.outcome(self.index)
        except BaseException as err:             # Ctrl-C, or a fault in the runner: still in the report
            results.add(page, self.index, Failed(what=f"{type(err).__name__}: {err}".rstrip(": ")),
                        engine=collector.engine_label, builder=collector.builder, ran_at=report.now(),
                        run_key=id(collector.run))
            raise
        record = results.add(page, self.index, outcome, engine=collector.engine_label, builder=collector.builder,
                             ran_at=ran_at, run_key=id(collector.run), shared_with=collector.shared_with)
        self.user_properties.extend((k, v) for k, v in vars(record).items() if k != "commands")
        if isinstance(outcome, Failed):
            raise AuthoredFailure(outcome.message(page, block))
        if outcome.status in ("illustrative", "skipped", "not run"):
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
        errors = err.errors if isinstance(err, SourceErrors) else [err]
        results = self.config.stash[RESULTS]
        for e in errors:
            results.add_error(self.parent.name, e.line, e.message)
        raise AuthoredFailure(str(err))

    def reportinfo(self):
        return self.parent.page_path, self.parent.error.line - 1, f"{self.parent.name}: page"


class SnippetItem(DocItem):
    """A snippet must be well-formed and shared: used on at least two pages (its blocks run there).

    The Korean and English versions of one page count as one page."""

    def __init__(self, *, path_: Path, store: SnippetStore, used: dict, **kw):
        super().__init__(**kw)
        self.snippet_path, self.store, self.used = path_, store, used

    def runtest(self):
        try:
            snippet = self.store.parse_file(self.snippet_path)
        except SourceError as err:
            raise AuthoredFailure(str(err)) from None
        pages = sorted(self.used.get(snippet.name, ()))
        if not pages:
            raise AuthoredFailure(f"{snippet.display_path}:1: no page uses this snippet "
                                  f'(embed it with {{@ snippet("{snippet.name}") @}}, or delete it)')
        if len(pages) < 2:
            raise AuthoredFailure(f"{snippet.display_path}:1: only {pages[0]} uses this snippet; snippets are "
                                  "for commands several pages share, so write it on that page instead")

    def reportinfo(self):
        return self.snippet_path, 0, self.name


# -- end of run -------------------------------------------------------------------------

@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Stop the current engine right after its last page."""
    result = yield
    page = item.parent
    if isinstance(page, PageCollector) and page.run.run_pass.engine == "current":
        following = getattr(nextitem, "parent", None)
        if not (isinstance(following, PageCollector) and following.run.run_pass.engine == "current"):
            item.config.stash[ENGINES].stop_current()
    return result


@pytest.hookimpl(trylast=True)  # after pytest's own, which tears down pages left open by Ctrl-C
def pytest_sessionfinish(session, exitstatus):
    config = session.config
    engines, results = config.stash.get(ENGINES, None), config.stash.get(RESULTS, None)
    if engines is None or results is None:
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)   # a second Ctrl-C must not stop the cleanup
    try:
        background = config.stash.get(BACKGROUND, None)
        if background is not None:
            background.stop(timeout=1)          # it ends at its next block; its engines go now
        engines.close()                                        # never raises
        if background is not None:
            background.stop(timeout=60)
        say(config, None)
    finally:
        signal.signal(signal.SIGINT, previous)
    if not results.records:
        return
    path = Path(config.rootpath) / config.getoption("report_dir") / "blocks.json"
    results.report = report.write(path, results.records, list(engines.used.values()), results.started,
                                  results.docs_dir, results.page_images)
    results.report_path = path
    if results.edits:
        results.changed, results.conflicts = update.apply(results.edits)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    results = config.stash.get(RESULTS, None)
    rep = results.report if results else None
    if not rep:
        return
    tr = terminalreporter
    tr.section("docs examples")
    tr.write_line(report.summary_line(rep.get("summary", {})))
    for line, warning in report.checked_on(rep.get("engines", []), checked_on.load()):
        tr.write_line(line, yellow=warning)
    tr.write_line(f"report: {os.path.relpath(results.report_path)}")
    for name in results.changed:
        tr.write_line(f"updated: {name}")
    for line in results.conflicts:
        tr.write_line(f"update conflict: {line}", yellow=True)
