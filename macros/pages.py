"""Before a page is rendered, under either generator: its macro calls are checked, and
its templates get what the site shows around its text, in `page.meta["kb"]`:

- `alternates`: the page in each language (alternates.py), for the language menu
  (overrides/partials/alternate.html);
- `hreflang`: the same for search engines, absolute with `x-default` when site_url is known,
  for the `<link rel="alternate" hreflang>` tags and the sitemap (overrides/main.html,
  overrides/sitemap.xml);
- `notice`: the notice at the top of a translation whose original changed since the version it
  follows (freshness.py), logged at INFO so a strict build lists those pages without failing;
- `notes`: at its end, when its examples last passed (last_passed.py) and when it last
  changed (freshness.py, git_dates.py);
- `anchors`: the anchors redirected away from this page, and where each now is (addresses.py),
  for overrides/assets/javascripts/anchor-redirects.js.

Both generators hand the page's metadata to its templates as `page.meta`; the notes are
HTML made here, so both show the same. Calls are checked on the page's source file, so a
problem names the file and line as the author sees them.
"""

from __future__ import annotations

from pathlib import Path

from docmodel.errors import SourceError
from docmodel.macrocalls import find_calls
from docmodel.snippets import SnippetStore

from . import addresses, alternates, freshness, last_passed
from .git_dates import History
from .site import PageRef, Site, log

BLOCK_MACROS = {"snippet", "glossary", "checked_on"}   # macros that expand to a block: alone on their line

problems: list[str] = []    # what failed a Zensical build, said without Zensical's traceback (zensical_site.py)
_history: list[tuple[Site, History | None]] = []     # [(site, its docs' history)]: Zensical asks for every page


def build_error(err: SourceError) -> Exception:
    """What to raise for a problem in the sources while a page is built: under MkDocs its
    PluginError (a message, no traceback); under Zensical the SourceError, also kept in
    `problems` for the build's own message (zensical_site.py)."""
    problems.append(str(err))
    try:
        from mkdocs.exceptions import PluginError
    except ImportError:        # Zensical's environment has no MkDocs
        return err
    return PluginError(str(err))


def history_of(site: Site) -> History | None:
    if not (_history and _history[0][0] is site):
        _history[:] = [(site, History.of(site.docs_dir.parent))]
    return _history[0][1]


def shown(path: Path, root: Path) -> str:
    """A path as errors show it: from the project's root when it is inside."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def check_calls(site: Site, page: PageRef, store: SnippetStore, known: set[str], defined: list[str]) -> None:
    """Every macro call of the page's source: a known macro, block macros alone on their line,
    snippets that exist and parse. The first problem raises SourceError (file:line)."""
    source = page.source(site)
    path = shown(source, site.root)
    for call in find_calls(source.read_text(encoding="utf-8-sig"), path, 0):
        if call.name not in known:
            raise SourceError(path, call.line, f"unknown macro {call.name!r} "
                                              f"(this site defines: {', '.join(sorted(defined))})")
        if call.name in BLOCK_MACROS and not call.standalone:
            raise SourceError(path, call.line, f"{call.name}() makes a code block: "
                                              "write the call alone on its own line, unindented")
        if call.name == "snippet":
            if len(call.args) != 1 or not isinstance(call.args[0], str):
                raise SourceError(path, call.line, "snippet() takes one snippet name as a string")
            store.load(call.args[0], used_at=(path, call.line))


def facts(site: Site, page: PageRef, report: dict | None) -> dict:
    """What the page's templates show around its text (see the module's docstring)."""
    versions = alternates.for_page(site, page)
    notice = ""
    source = page.source(site)
    notes = [last_passed.note(report, source.relative_to(site.docs_dir.parent).as_posix(), site.lang)]
    history = history_of(site)
    original = site.languages[0] if site.languages else None
    if original is not None and original.lang != site.lang:      # a translation: behind its original?
        recorded = freshness.recorded_revision(source, shown(source, site.root))
        version = next(v for v in versions if v.lang == original.lang)
        state = (freshness.follows(history, source, original.docs_dir / page.src_uri, recorded)
                 if history is not None and version.exists else None)
        if state is not None and state.behind:
            notice = freshness.notice(freshness.Behind(
                lang=site.lang, other_lang=original.lang, state=state, href=version.href,
                original=f"{original.lang}/{page.src_uri}", page=page.src_uri))
            log.info(f"kb: translation behind: {site.lang}/{page.src_uri} follows {original.lang}/{page.src_uri} "
                     f"as of {state.revision.commit[:12]} ({state.revision.date}), which changed on "
                     f"{state.newer.date}: ./kb translation diff {page.src_uri}")
    if history is not None:
        notes.append(freshness.changed_note(history.last_change(source), site.lang))
    return {"alternates": [version.as_meta() for version in versions], "hreflang": alternates.hreflang(versions),
            "notice": notice, "anchors": addresses.anchor_map(site, page.src_uri),
            "notes": "\n".join(note for note in notes if note)}
