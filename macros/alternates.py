"""Each page's address in the other languages, written into the HTML at build time.

The languages are `extra.alternate` in mkdocs.yml / mkdocs.en.yml: each one's `link` is
its home page relative to this site's root (`en/` from the Korean site, `../` from the
English one) and its pages are docs/<lang>/ with the same file names. For a page, the
counterpart is the same file in the other language's docs folder, at the address MkDocs
gives it there (the same `use_directory_urls`, so `containers/` or, offline,
`containers.html`); a page without a counterpart points at that language's home page.

Hrefs are relative to the page, so they work under any base path and from file://.
MkDocs' `url` template filter can't express a link that leaves the site's root (it
turns `../containers/` on /en/containers/ into `.././`), so the links are handed to the
templates as `PageHref`, which the `url` filter passes through unchanged (hooks.py).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

from mkdocs.structure.files import File


class PageHref(str):
    """An href already relative to the page it appears on: the `url` filter leaves it alone."""


@dataclass(frozen=True)
class Language:
    lang: str
    root: str          # its home page, relative to this site's root ("./", "en/", "../")
    docs_dir: Path
    entry: dict        # its `extra.alternate` entry (name, link, lang)

    def counterpart(self, src_uri: str, use_directory_urls: bool) -> str | None:
        """The address of `src_uri` in this language relative to its own root, if it exists."""
        if not (self.docs_dir / src_uri).is_file():
            return None
        return File(src_uri, str(self.docs_dir), "/", use_directory_urls).url

    def address(self, src_uri: str, use_directory_urls: bool) -> tuple[str, bool]:
        """(address relative to *this* site's root, whether it is the page itself or the home page)."""
        url = self.counterpart(src_uri, use_directory_urls)
        return _join(self.root, url if url is not None else ""), url is not None


def _join(root: str, url: str) -> str:
    joined = posixpath.join(root or "./", url)
    slash = joined.endswith("/") or url == ""
    joined = posixpath.normpath(joined)
    return joined + "/" if slash and joined != "." else ("./" if joined == "." else joined)


def relative_href(target: str, page_url: str) -> PageHref:
    """`target` (relative to the site root, may start with ../) as seen from the page at `page_url`."""
    page_dir = page_url.rstrip("/") if page_url.endswith("/") else posixpath.dirname(page_url)
    slash = target.endswith("/")
    href = posixpath.relpath(posixpath.normpath(target), page_dir or ".")
    if href == ".":
        return PageHref("./")
    return PageHref(href + "/" if slash else href)


def homes_from_anywhere(langs: list[Language], site_url: str | None, own: str) -> list[tuple[str, str]]:
    """(lang, absolute path of its home) of the other languages, for a page served at any
    address (the 404 page): joined to the path of this site's `site_url`."""
    base = urlsplit(site_url or "/").path or "/"
    base = base if base.endswith("/") else base + "/"
    homes = []
    for language in langs:
        if language.lang != own:
            home = posixpath.normpath(posixpath.join(base, language.root))
            homes.append((language.lang, home if home.endswith("/") else home + "/"))
    return homes


def languages(config) -> list[Language]:
    """The languages of the site-wide `extra.alternate`, this site's included (read at on_config)."""
    docs_root = Path(config.docs_dir).resolve().parent
    own = config.theme.get("language")
    found = []
    for alt in config.extra.get("alternate") or []:
        lang = alt.get("lang") or own
        docs_dir = Path(config.docs_dir).resolve() if lang == own else docs_root / lang
        found.append(Language(lang, alt.get("link") or "./", docs_dir, dict(alt)))
    return found


def for_page(langs: list[Language], page, use_directory_urls: bool) -> list[dict]:
    """`extra.alternate` for one page: every language's link to this page, relative to it."""
    entries = []
    for language in langs:
        target, _same_page = language.address(page.file.src_uri, use_directory_urls)
        entries.append({**language.entry, "link": relative_href(target, page.url)})
    return entries


def default_root(langs: list[Language], page_url: str) -> PageHref:
    """The first language's home page (the site root), relative to the page at page_url."""
    return relative_href(_join(langs[0].root, "") if langs else "./", page_url)


SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def sitemap_with_alternates(xml: str, config, langs: list[Language], pages) -> str:
    """MkDocs' sitemap.xml with `<xhtml:link rel="alternate" hreflang>` for each page's versions."""
    if not config.site_url:
        return xml                     # a sitemap needs absolute addresses
    ElementTree.register_namespace("", SITEMAP)
    ElementTree.register_namespace("xhtml", XHTML)
    root = ElementTree.fromstring(xml.encode("utf-8"))
    by_loc = {page.canonical_url: page for page in pages if page.canonical_url}
    for url in root.findall(f"{{{SITEMAP}}}url"):
        page = by_loc.get((url.findtext(f"{{{SITEMAP}}}loc") or "").strip())
        if page is None:
            continue
        versions = [(language.lang, language.address(page.file.src_uri, config.use_directory_urls))
                    for language in langs]
        if sum(1 for _lang, (_target, exists) in versions if exists) < 2:
            continue                   # no translation: nothing to announce
        for lang, (target, exists) in versions:
            if exists:
                ElementTree.SubElement(url, f"{{{XHTML}}}link", rel="alternate", hreflang=lang,
                                       href=urljoin(config.site_url, target))
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
