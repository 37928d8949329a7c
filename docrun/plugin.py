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
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml

from macros.snippets import SUFFIX, SnippetStore
from macros.syntax import MacroError
from provision.catalogue import load as load_catalogue

from . import image_refs, passes, report, update
from .page import Block, ConsoleBlock, NotRunBlock, Page, PageError, find_pages, read_page
from .passes import Pass
from .runtime import RUNTIME, Runtime
from .scenario import BlockFailed, BlockNotRun, PageRun


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
    group.addoption("--current-engine", choices=("auto", "on", "off"), default="auto",
                    help="run every page again on a current Docker Engine started beside the provisioned "
                         "one: auto (the default) when the engine here is older than 23.0 and was "
                         "provisioned by the tests")


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


# -- collection -----------------------------------------------------------------------

class ExamplesFile(pytest.File):
    """tests/examples.docrun: `docs_dir:` and `snippets_dir:`, relative to the file."""

    def folders(self) -> tuple[Path, Path | None]:
        """The docs folder and the snippets folder: the options', else the file's."""
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
        return docs_dir, snippets_dir

    def collect(self):
        opt = self.config.getoption
        docs_dir, snippets_dir = self.folders()
        runtime = self.config.stash[RUNTIME]
        runtime.docs_dir = str(docs_dir)
        store = SnippetStore(snippets_dir, display_root=Path(self.config.rootpath)) if snippets_dir else None
        catalogue = load_catalogue()
        used: dict[str, set[str]] = {}   # snippet -> the pages using it, without the language folder
        collected = []
        for path in find_pages(docs_dir):
            name = path.relative_to(docs_dir).as_posix()
            try:
                page, error = read_page(path, docs_dir, store), None
                image_refs.check(page, catalogue)
                for snippet in page.snippets:
                    used.setdefault(snippet, set()).add(name.split("/", 1)[-1])
            except (PageError, MacroError) as err:
                page, error = None, err
            collected.append((name, path, page, error))
        runtime.ports = passes.published_ports([page for _, _, page, _ in collected if page])
        old, can_start = _engine_outlook()
        first = passes.first_pass(opt("docker_builder"))
        later: dict[Pass, list] = {}
        for name, path, page, error in collected:
            common = dict(path_=path, docs_dir=docs_dir, page=page, error=error, catalogue=catalogue)
            yield PageCollector.from_parent(self, name=name, run_pass=first, **common)
            for extra in passes.extra_passes(page, opt("docker_builder"), opt("current_engine"), old, can_start) \
                    if page else []:
                later.setdefault(extra, []).append((name, common))
        for extra in (passes.CLASSIC, passes.CURRENT):   # after the first pass: the current engine starts
            for name, common in later.get(extra, []):    # once, and last, as it holds the docs' ports
                yield PageCollector.from_parent(self, name=name + extra.suffix, run_pass=extra, **common)
        if snippets_dir and snippets_dir.is_dir():
            for path in sorted(snippets_dir.glob(f"*{SUFFIX}")):
                yield SnippetItem.from_parent(self, name=f"snippet:{path.stem}", path_=path, store=store,
                                              used=used)


def _engine_outlook() -> tuple[bool, bool]:
    """(the engine here is older than 23.0, this run may start a current engine beside it).

    Decided when collecting, from a quick look: no engine yet on a machine where the tests
    provision one means Debian's 20.10 is coming, and the tests own it."""
    from provision.engine import can_provision, connect, uses_local_mirror
    client = connect(timeout=5)
    if client is None:
        provisionable = can_provision()[0]
        return provisionable, provisionable
    return passes.is_old(client.version().get("Version")), uses_local_mirror(client)


class PageCollector(pytest.Collector):
    """One page as a scenario; its setup starts the page, its teardown cleans up after it."""

    def __init__(self, *, path_: Path, docs_dir: Path, page: Page | None, error: Exception | None,
                 run_pass: Pass, catalogue, **kw):
        super().__init__(**kw)
        self.page_path, self.page, self.error, self.run_pass = path_, page, error, run_pass
        self.page_name = path_.relative_to(docs_dir).as_posix()
        self.catalogue = catalogue
        self.run: PageRun | None = None

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
        engine = runtime.engine_for(self.run_pass)
        self.run = PageRun(self.page, engine.client, runtime.options(self.run_pass)).start()

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
        ensure_images(runtime.engine_for(self.run_pass), self.catalogue, log=runtime.say, check_mirror=False)


class DocItem(pytest.Item):
    """An item whose failures are already worded for authors: file:line, command, diff."""

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, BlockFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class BlockItem(DocItem):
    def __init__(self, *, block: Block, **kw):
        super().__init__(**kw)
        self.block = block

    def _record(self, status: str, reason: str = "", duration: float = 0.0, commands: int = 0) -> None:
        page: PageCollector = self.parent
        runtime = self.config.stash[RUNTIME]
        source = ""
        if isinstance(self.block, ConsoleBlock) and self.block.snippet:
            source = self.block.origin.display
        record = report.BlockRecord(
            page=page.page_name, line=self.block.line, kind=self.block.kind, status=status, reason=reason,
            duration=round(duration, 3), engine=runtime.engine_label(page.run_pass), source=source,
            commands=commands, builder=runtime.builder_name(page.run_pass))
        runtime.records.append(record)
        self.user_properties.extend((k, v) for k, v in asdict(record).items() if k != "commands")

    def runtest(self):
        page: PageCollector = self.parent
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

    def reportinfo(self):
        return self.parent.page_path, self.block.line - 1, f"{self.parent.name}: {self.block.label}"


class PageErrorItem(DocItem):
    """A page that can't be read: it fails as one item, and the other pages still run."""

    def __init__(self, *, error: str, line: int, **kw):
        super().__init__(**kw)
        self.error, self.line = error, line

    def runtest(self):
        runtime = self.config.stash[RUNTIME]
        runtime.records.append(report.BlockRecord(page=self.parent.page_name, line=self.line, kind="page",
                                                  status="failed", reason=self.error, duration=0.0, engine=""))
        raise BlockFailed(self.error)

    def reportinfo(self):
        return self.parent.page_path, self.line - 1, f"{self.parent.name}: page"


class SnippetItem(DocItem):
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

    def reportinfo(self):
        return self.snippet_path, 0, self.name


# -- end of run -------------------------------------------------------------------------

@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Stop the current engine right after its last page: it holds the ports the docs use."""
    result = yield
    page = item.parent
    if isinstance(page, PageCollector) and page.run_pass.engine == "current":
        following = getattr(nextitem, "parent", None)
        if not (isinstance(following, PageCollector) and following.run_pass.engine == "current"):
            item.config.stash[RUNTIME].stop_current_engine()
    return result


@pytest.hookimpl(trylast=True)  # after pytest's own, which tears down pages left open by Ctrl-C
def pytest_sessionfinish(session, exitstatus):
    runtime = session.config.stash.get(RUNTIME, None)
    if runtime is None:
        return
    runtime.stop_current_engine()
    if not runtime.records:
        return
    path = Path(session.config.rootpath) / session.config.getoption("report_dir") / "blocks.json"
    runtime.report = report.write(path, runtime.records, runtime.engine_info, runtime.started, runtime.docs_dir,
                                  list(runtime.engines.values()))
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
    for engine in rep["engines"]:
        tr.write_line(f"engine: {engine['label']} ({engine['builder']})")
    tr.write_line(f"report: {os.path.relpath(runtime.report_path)}")
    for name in runtime.changed:
        tr.write_line(f"updated: {name}")
    for line in runtime.conflicts:
        tr.write_line(f"update conflict: {line}", yellow=True)
