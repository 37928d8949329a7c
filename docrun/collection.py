"""Collecting a folder of docs: where they are (a `.docrun` file, or the options), every page read
and checked (its images against the catalogue), which snippets each page uses, and the plan of
page runs (passes.py, from a quick look at the engine: probe.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from docmodel.errors import SourceError
from docmodel.page import Page, find_pages, read_page
from docmodel.snippets import SUFFIX, SnippetStore
from provision.catalogue import Catalogue

from . import images_check, passes, probe


class FolderError(ValueError):
    """The docs folder named by an option or a .docrun file does not exist."""


@dataclass(frozen=True)
class Folders:
    docs_dir: Path
    snippets_dir: Path | None       # None: someone else's docs, with no snippets unless said


def folders(docrun_file: Path, docs_dir: str | None, snippets_dir: str | None) -> Folders:
    """The folders a `.docrun` file names (`docs_dir:`, `snippets_dir:`, relative to it), or the options'."""
    try:
        conf = yaml.safe_load(docrun_file.read_text()) or {}
    except yaml.YAMLError as err:
        raise FolderError(f"{docrun_file}: not valid YAML: {err}") from None
    here = docrun_file.parent
    docs = Path(docs_dir or here / conf.get("docs_dir", "../docs")).resolve()
    if snippets_dir:
        snippets: Path | None = Path(snippets_dir).resolve()
    elif docs_dir:
        snippets = None
    else:
        snippets = (here / conf.get("snippets_dir", "../snippets")).resolve()
    if not docs.is_dir():
        raise FolderError(f"--docs-dir {docs}: no such directory")
    return Folders(docs, snippets)


@dataclass
class Collected:
    folders: Folders
    store: SnippetStore | None
    pages: list[Page] = field(default_factory=list)
    unreadable: list[tuple[str, Path, SourceError]] = field(default_factory=list)   # name, path, every problem
    uses: dict[str, set[str]] = field(default_factory=dict)    # snippet -> pages using it (no language dir)
    snippet_files: list[Path] = field(default_factory=list)


def collect(where: Folders, catalogue: Catalogue, display_root: Path) -> Collected:
    store = SnippetStore(where.snippets_dir, display_root=display_root) if where.snippets_dir else None
    found = Collected(where, store)
    for path in find_pages(where.docs_dir):
        name = path.relative_to(where.docs_dir).as_posix()
        try:
            page = read_page(path, where.docs_dir, store)
            images_check.check(page, catalogue)
        except SourceError as err:
            found.unreadable.append((name, path, err))
            continue
        found.pages.append(page)
        for snippet in page.snippets:
            found.uses.setdefault(snippet, set()).add(name.split("/", 1)[-1])
    if where.snippets_dir and where.snippets_dir.is_dir():
        found.snippet_files = sorted(where.snippets_dir.glob(f"*{SUFFIX}"))
    return found


def plan(found: Collected, builder: str, current: str) -> list[passes.PlannedRun]:
    return passes.plan(found.pages, builder, current, probe.outlook())
