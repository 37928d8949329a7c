"""Links from wikis never break: every page and anchor the site has published is recorded, and
none may disappear unless a redirect says where it went.

- docs/published.yml: every page of each language (`ko/containers.md`) with its anchors (the ids
  in the page's text: headings, glossary terms), recorded from a build by `./kb anchors --update`
  (tools/anchors.py). Entries are only ever added: a page or anchor that is gone keeps its entry,
  and its redirect.
- docs/redirects.yml: where a page or an anchor that is gone now lives, the same in both
  languages (both have the same pages and anchors):

      old.md: new.md             # a page; an anchor on it goes to the same anchor on new.md
      old.md#id: new.md#other    # an anchor, of a page that is gone or still there
      page.md#old: page.md#new   # an anchor renamed on its own page

After each language's site is built (MkDocs: the macros module's on_post_build; Zensical:
zensical_site.py), `after_build` checks every address recorded for that language against the
built pages and the redirects, and fails the build naming each page and anchor that is gone
without a redirect, and each redirect that leads nowhere. It then writes a redirect page at the
address of each page that is gone: a small static HTML page, with relative links (so it works
under any base path and from file://), whose script sends the reader on with the anchor mapped,
and which refreshes to the new page without JavaScript. An anchor that is gone from a page that
is still there is mapped by a script on that page (`anchors` in page.meta.kb, read by
overrides/assets/javascripts/anchor-redirects.js). Addresses not recorded yet are listed (INFO).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import yaml

from docmodel.errors import SourceError, SourceErrors

from .alternates import relative_href
from .site import Site, log, page_url

PUBLISHED = "published.yml"      # in the docs folder (docs/), beside the languages' folders
REDIRECTS = "redirects.yml"
PAGE = re.compile(r"^(?!/)(?!.*(?:^|/)\.\.(?:/|$))[\w./-]+\.md$")
ANCHOR = re.compile(r"^[A-Za-z0-9][\w-]*$")

MESSAGES = {
    "ko": {"title": "이 페이지는 옮겨졌습니다",
           "moved": "이 페이지는 <a href=\"{href}\">새 주소</a>로 옮겨졌습니다."},
    "en": {"title": "This page has moved",
           "moved": "This page has moved to <a href=\"{href}\">its new address</a>."},
}


@dataclass(frozen=True)
class Address:
    page: str                # relative to a language's docs folder: containers.md
    anchor: str = ""

    @classmethod
    def parse(cls, text: object, where: tuple[str, int], what: str) -> Address:
        page, _, anchor = str(text).partition("#")
        if not isinstance(text, str) or not PAGE.match(page) or ("#" in text and not ANCHOR.match(anchor)):
            raise SourceError(*where, f"{what} {text!r} is not a page of the docs folder (page.md) "
                                      "or a page and an anchor (page.md#anchor)")
        return cls(page, anchor)

    def __str__(self) -> str:
        return f"{self.page}#{self.anchor}" if self.anchor else self.page


@dataclass
class Redirects:
    """docs/redirects.yml: old address -> (new address, line of the entry)."""
    file: str = f"docs/{REDIRECTS}"
    pages: dict[str, tuple[Address, int]] = field(default_factory=dict)
    anchors: dict[tuple[str, str], tuple[Address, int]] = field(default_factory=dict)

    def target(self, page: str, anchor: str) -> tuple[Address, int] | None:
        """Where `page#anchor` now lives, if a redirect says so (an anchor's own, else its page's)."""
        if (page, anchor) in self.anchors:
            return self.anchors[(page, anchor)]
        if page in self.pages:
            new, line = self.pages[page]
            return (new if new.anchor or not anchor else Address(new.page, anchor)), line
        return None


def _mapping(path: Path, shown: str) -> list[tuple[yaml.Node, yaml.Node]]:
    """The key and value nodes of a YAML mapping file (a missing or empty file: none)."""
    if not path.is_file():
        return []
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise SourceError(shown, mark.line + 1 if mark else 1, f"not valid YAML: {err}") from None
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        raise SourceError(shown, root.start_mark.line + 1, "must be a mapping (key: value, one per line)")
    return root.value


def load_redirects(docs_root: Path) -> Redirects:
    shown = f"{docs_root.name}/{REDIRECTS}"
    found = Redirects(shown)
    for key, value in _mapping(docs_root / REDIRECTS, shown):
        line = key.start_mark.line + 1
        if not (isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode)):
            raise SourceError(shown, line, "each entry is `old address: new address`")
        old = Address.parse(key.value, (shown, line), "the old address")
        new = Address.parse(value.value, (shown, line), "the new address")
        if old.anchor:
            found.anchors[(old.page, old.anchor)] = (new, line)
        else:
            found.pages[old.page] = (new, line)
    return found


def load_published(docs_root: Path) -> dict[str, tuple[list[str], int]]:
    """docs/published.yml: `lang/page.md` -> (its anchors, line of the entry)."""
    shown = f"{docs_root.name}/{PUBLISHED}"
    found = {}
    for key, value in _mapping(docs_root / PUBLISHED, shown):
        line = key.start_mark.line + 1
        anchors = [item.value for item in value.value] if isinstance(value, yaml.SequenceNode) else None
        if not isinstance(key, yaml.ScalarNode) or anchors is None:
            raise SourceError(shown, line, "each entry is `lang/page.md: [anchor, ...]` (./kb anchors --update)")
        found[key.value] = (anchors, line)
    return found


def write_published(docs_root: Path, addresses: dict[str, list[str]]) -> None:
    header = ("# Every page and anchor Docker KB has published, in each language. Wikis link to them, so none\n"
              "# may disappear: the build fails when one does, unless docs/redirects.yml says where it went.\n"
              "# Written by `./kb anchors --update`, which only ever adds (see README, \"Links that never break\").\n")
    body = yaml.safe_dump({key: sorted(anchors) for key, anchors in sorted(addresses.items())},
                          allow_unicode=True, default_flow_style=None, width=110, sort_keys=False)
    (docs_root / PUBLISHED).write_text(header + body, encoding="utf-8")


class _Ids(HTMLParser):
    """The ids in a built page's text (its <article>), but the ones generators make up (`__...`)."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        found = dict(attrs).get("id")
        if self.depth and found and not found.startswith("__"):
            self.ids.add(found)

    def handle_endtag(self, tag):
        if tag == "article" and self.depth:
            self.depth -= 1


def built_file(site_dir: Path, src: str, directory_urls: bool) -> Path:
    url = page_url(src, directory_urls)
    return site_dir / (url + "index.html" if url.endswith("/") or url == "" else url)


def built_pages(site: Site, site_dir: Path) -> dict[str, set[str]]:
    """Every page of this language's site as built in `site_dir` (`ko/containers.md`) -> its anchors."""
    found = {}
    for source in sorted(site.docs_dir.rglob("*.md")):
        src = source.relative_to(site.docs_dir).as_posix()
        built = built_file(site_dir, src, site.directory_urls)
        if built.is_file():
            parser = _Ids()
            parser.feed(built.read_text(encoding="utf-8"))
            found[f"{site.lang}/{src}"] = parser.ids
    return found


def check(site: Site, built: dict[str, set[str]], published: dict[str, tuple[list[str], int]],
          redirects: Redirects) -> list[SourceError]:
    """What the built site of this language lost without a redirect, and redirects that lead nowhere."""
    docs_root = site.docs_dir.parent
    shown = f"{docs_root.name}/{PUBLISHED}"
    problems: dict[str, SourceError] = {}

    def problem(err: SourceError) -> None:
        problems.setdefault(str(err), err)

    def lands(old: str, target: tuple[Address, int]) -> None:
        new, line = target
        ids = built.get(f"{site.lang}/{new.page}")
        if ids is None:
            problem(SourceError(redirects.file, line, f"{old} is redirected to {new}, but {new.page} is not a "
                                                      f"page of the {site.lang} site"))
        elif new.anchor and new.anchor not in ids:
            problem(SourceError(redirects.file, line, f"{old} is redirected to {new}, but {new.page} has no "
                                                      f"anchor #{new.anchor} in the {site.lang} site"))

    for key, (anchors, line) in published.items():
        lang, _, src = key.partition("/")
        if lang != site.lang:
            continue
        ids = built.get(key)
        if ids is None and src not in redirects.pages:
            problem(SourceError(shown, line, f"{key} was published and is gone: declare where it went in "
                                             f"{redirects.file} ({src}: new-page.md)"))
            continue
        for anchor in (anchors if ids is None else [a for a in anchors if a not in ids]):
            target = redirects.target(src, anchor)
            if target is None:
                problem(SourceError(shown, line, f"{key}#{anchor} was published and is gone from "
                                                 f"{docs_root.name}/{key}: declare where it went in "
                                                 f"{redirects.file} ({src}#{anchor}: page.md#anchor)"))
            else:
                lands(f"{src}#{anchor}", target)
    for page, (new, line) in redirects.pages.items():
        if f"{site.lang}/{page}" in built:
            problem(SourceError(redirects.file, line, f"{page} is redirected, but it is still a page of the "
                                                      f"{site.lang} site: remove one of the two"))
        lands(page, (new, line))
    for (page, anchor), (new, line) in redirects.anchors.items():
        if anchor in built.get(f"{site.lang}/{page}", ()):
            problem(SourceError(redirects.file, line, f"{page}#{anchor} is redirected, but the anchor is still "
                                                      f"on that page: remove one of the two"))
        lands(f"{page}#{anchor}", (new, line))
    return list(problems.values())


def _href(new: Address, from_src: str, directory_urls: bool) -> str:
    """The address of `new` as seen from the page `from_src` (both in one language's site)."""
    if new.page == from_src:
        return f"#{new.anchor}" if new.anchor else "./"
    href = relative_href(page_url(new.page, directory_urls), page_url(from_src, directory_urls))
    return f"{href}#{new.anchor}" if new.anchor else href


def anchor_map(site: Site, src: str) -> dict[str, str]:
    """The anchors redirected away from the page `src` -> where each now is, relative to the page
    (for anchor-redirects.js)."""
    redirects = _redirects_of(site.docs_dir.parent)
    return {anchor: _href(new, src, site.directory_urls)
            for (page, anchor), (new, _line) in sorted(redirects.anchors.items()) if page == src}


_loaded: dict[Path, tuple[int, Redirects]] = {}      # Zensical asks for every page


def _redirects_of(docs_root: Path) -> Redirects:
    path = docs_root / REDIRECTS
    stamp = path.stat().st_mtime_ns if path.is_file() else 0
    if path not in _loaded or _loaded[path][0] != stamp:
        _loaded[path] = (stamp, load_redirects(docs_root))
    return _loaded[path][1]


def redirect_page(site: Site, src: str, redirects: Redirects, anchors: list[str]) -> str:
    """The static page left at the address of `src`, a page that is gone: its script sends the
    reader to where the anchor asked for now is (its own redirect, else the same anchor on the
    new page), and without JavaScript a refresh goes to the new page."""
    new, _line = redirects.pages[src]
    default = _href(new, src, site.directory_urls)
    moved = {}
    for anchor in sorted(set(anchors) | {a for (p, a) in redirects.anchors if p == src}):
        target, _line = redirects.target(src, anchor)
        moved[anchor] = _href(target, src, site.directory_urls)
    carry = "" if new.anchor else " + location.hash"
    table = json.dumps(moved, ensure_ascii=False).replace("<", "\\u003c")
    script = (f"var moved = {table};\n"
              f"location.replace(moved[decodeURIComponent(location.hash.slice(1))] || {json.dumps(default)}{carry});")
    text = MESSAGES.get(site.lang, MESSAGES["en"])
    canonical = (f'\n<link rel="canonical" href="{html.escape(urljoin(site.site_url, page_url(new.page, True)))}">'
                 if site.site_url else "")
    return (f'<!doctype html>\n<html lang="{site.lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="robots" content="noindex">\n<meta name="kb-redirect" content="{html.escape(str(new))}">\n'
            f'<title>{html.escape(text["title"])}</title>{canonical}\n'
            f'<script>\n{script}\n</script>\n'
            f'<noscript><meta http-equiv="refresh" content="0; url={html.escape(default)}"></noscript>\n'
            f'</head>\n<body>\n<p>{text["moved"].format(href=html.escape(default))}</p>\n</body>\n</html>\n')


def after_build(site: Site, site_dir: Path) -> None:
    """Check this language's built site against the recorded addresses and the redirects, and
    write the redirect pages (see the module's docstring). Raises SourceError(s)."""
    docs_root = site.docs_dir.parent
    published = load_published(docs_root)
    redirects = load_redirects(docs_root)
    built = built_pages(site, site_dir)
    problems = check(site, built, published, redirects)
    if problems:
        raise SourceErrors.of(problems)
    for src in redirects.pages:
        anchors = published.get(f"{site.lang}/{src}", ([], 0))[0]
        target = built_file(site_dir, src, site.directory_urls)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(redirect_page(site, src, redirects, anchors), encoding="utf-8")
    recorded = {key: set(anchors) for key, (anchors, _line) in published.items()}
    new = [key for key in built if key not in recorded]
    new += [f"{key}#{anchor}" for key, ids in built.items() for anchor in sorted(ids - recorded.get(key, set()))]
    if new and published:
        log.info(f"kb: {len(new)} new addresses not in {docs_root.name}/{PUBLISHED} yet (./kb anchors --update): "
                 + ", ".join(new[:8]) + (", ..." if len(new) > 8 else ""))
