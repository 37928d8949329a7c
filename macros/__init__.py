"""The macros module of Docker KB (mkdocs.yml: `plugins: macros: module_name: macros`), for
both generators: mkdocs-macros under MkDocs, Zensical's macros extension under Zensical.

- `snippet(name)` embeds snippets/<name>.console as a console code block;
- `glossary()` renders docs/glossary.yml as a table in the page's language;
- every macro call is checked before rendering: an unknown macro, a missing or malformed
  snippet or a Jinja syntax error fails the build naming file and line;
- each page's templates get its language links, the notice of a translation behind and the
  notes at its end (pages.py), its code blocks a mark each from the test report (marks.py);
- once a language's site is built, no page or anchor it published may be gone without a
  redirect, and the redirect pages are written (addresses.py);
- MkDocs builds the English site along with the Korean one.

Neither generator is imported here: both call `define_env(env)` (site.py says what each
gives it). MkDocs calls it once per site and `on_pre_page_macros(env)` before each page;
Zensical calls `define_env` before each page, with the page set, and nothing else.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The project's code (docmodel/) next to this package: Zensical loads this file by path.
_CODE = str(Path(__file__).resolve().parent.parent)
if _CODE not in sys.path:
    sys.path.insert(0, _CODE)

from docmodel.errors import SourceError  # noqa: E402
from docmodel.snippets import SnippetStore  # noqa: E402
from provision.checked_on import load as load_declared  # noqa: E402

from . import addresses, last_passed, marks, pages, settings  # noqa: E402
from . import checked_on as checked_on_data  # noqa: E402
from . import glossary as glossary_data  # noqa: E402
from .site import page_of, site_of  # noqa: E402


def define_env(env):
    site = site_of(env)
    by_hand = set().union(*getattr(env.conf, "user_configs", []))     # MkDocs: the keys its files set
    try:
        settings.apply(env.conf, settings.derived(env.conf.get("repo_url"), site, by_hand))
    except SourceError as err:          # the glossary
        raise pages.build_error(err) from None
    store = SnippetStore(site.root / "snippets", display_root=site.root)
    env.variables["_kb_snippets"] = store

    @env.macro
    def snippet(name: str) -> str:
        """A tested console transcript from snippets/<name>.console, as a code block."""
        return store.load(name).as_fence()

    @env.macro
    def glossary() -> str:
        """The glossary (docs/glossary.yml) as a table in the page's language."""
        return glossary_data.table(glossary_data.load(site.docs_dir.parent / "glossary.yml"), site.lang)

    @env.macro
    def checked_on() -> str:
        """The engines and builders the examples are checked on (provision/engines.yml), as a list."""
        return checked_on_data.engine_list(load_declared(), site.lang)

    if getattr(env, "page", None) is not None:      # Zensical: once per page (MkDocs: too early)
        _prepare_page(env)


def _prepare_page(env) -> None:
    """Before a page's Markdown is rendered: its checks, what its templates show (page.meta.kb),
    and the marks under its code blocks (marks.py)."""
    try:
        site, page = site_of(env), page_of(env)
        known = set(env.macros) | set(env.variables) | set(env.filters)
        store = env.variables["_kb_snippets"]
        pages.check_calls(site, page, store, known, list(env.macros))
        report = last_passed.load_report(last_passed.report_path(site.root))
        page.meta["kb"] = pages.facts(site, page, report)
        source = page.source(site)
        marks.expect(pages.shown(source, site.root),
                     marks.for_page(source, site.docs_dir.parent, store, report, site.lang))
    except SourceError as err:
        raise pages.build_error(err) from None


def on_pre_page_macros(env):
    """MkDocs (mkdocs-macros), before each page is rendered."""
    _prepare_page(env)


def on_post_build(env):
    """MkDocs (mkdocs-macros): this language's published addresses checked and its redirect
    pages written (addresses.py), then the other languages (mkdocs.en.yml) built."""
    from .translations import build_other_languages
    try:
        addresses.after_build(site_of(env), Path(env.conf["site_dir"]))
    except SourceError as err:
        raise pages.build_error(err) from None
    build_other_languages(env.conf)
