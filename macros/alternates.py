"""Each page's address in every language, and each language's home from anywhere.

For a page, the counterpart is the same file in the other language's docs folder, at the
address the generator gives it there (the same `use_directory_urls`, so `containers/` or,
offline, `containers.html`); a page without a counterpart points at that language's home.

Positions are worked out from the original's root (the site root), where every language
has its `root` (site.py). Hrefs are relative to the page, so they work under any base path
and from file://. For search engines (`<link rel="alternate" hreflang>` and the sitemap),
`hreflang` gives absolute addresses from `site_url`, with `x-default` at the original.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .site import PageRef, Site, page_url


@dataclass(frozen=True)
class Alternate:
    """One language's version of a page, as the page's templates show it."""
    name: str
    lang: str
    href: str          # relative to the page
    url: str | None    # absolute (for the sitemap), when site_url is known
    exists: bool       # the page itself, not the language's home page

    def as_meta(self) -> dict:
        return {"name": self.name, "lang": self.lang, "href": self.href, "url": self.url or "",
                "exists": self.exists}


def _join(root: str, url: str) -> str:
    """`url` (from a language's root) from the original's root, normalized, keeping a trailing "/"."""
    joined = posixpath.normpath(posixpath.join(root or ".", url))
    if joined == ".":
        return ""
    return joined + "/" if (url == "" or url.endswith("/")) else joined


def relative_href(target: str, from_url: str) -> str:
    """`target` (from the original's root) as seen from the page at `from_url` (same coordinates)."""
    page_dir = from_url[:-1] if from_url.endswith("/") else posixpath.dirname(from_url)
    href = posixpath.relpath(posixpath.normpath(target or "."), page_dir or ".")
    if href == ".":
        return "./"
    return href + "/" if target.endswith("/") or target == "" else href


def original_root_url(site: Site) -> str | None:
    """The site_url of the original (the site root), from this language's site_url."""
    if not site.site_url or site.own is None:
        return None
    base = site.site_url if site.site_url.endswith("/") else site.site_url + "/"
    return urljoin(base, relative_href("", site.own.root) if site.own.root else "./")


def for_page(site: Site, page: PageRef) -> list[Alternate]:
    """Every language's version of `page` (this language's included), in the configured order."""
    own_root = site.own.root if site.own else ""
    here = _join(own_root, page.url)
    origin = original_root_url(site)
    found = []
    for language in site.languages:
        exists = (language.docs_dir / page.src_uri).is_file()
        address = page_url(page.src_uri if exists else "index.md", site.directory_urls)
        target = _join(language.root, address)
        found.append(Alternate(language.name, language.lang, relative_href(target, here),
                               urljoin(origin, target) if origin else None, exists))
    return found


def homes(site: Site) -> list[dict]:
    """`extra.languages` with each language's home as an absolute path (`home`), for pages
    served at any address (the 404 page): from the path of the original's site_url."""
    origin = urlsplit(original_root_url(site) or "/").path or "/"
    origin = origin if origin.endswith("/") else origin + "/"
    return [{"name": language.name, "lang": language.lang, "root": language.root or "./",
             "home": posixpath.normpath(posixpath.join(origin, language.root or ".")).rstrip("/") + "/"}
            for language in site.languages]


def hreflang(versions: list[Alternate]) -> list[dict]:
    """The page's versions for search engines: `<link rel="alternate" hreflang>` in its head and
    `xhtml:link` in the sitemap. Only the languages the page exists in, and only when it exists
    in more than one; absolute addresses, plus `x-default` at the original (the first language),
    when site_url is known (search engines want absolute addresses), else relative ones."""
    existing = [v for v in versions if v.exists]
    if len(existing) < 2:
        return []
    if not all(v.url for v in existing):
        return [{"lang": v.lang, "href": v.href} for v in existing]
    links = [{"lang": v.lang, "href": v.url} for v in existing]
    if versions[0].exists:
        links.append({"lang": "x-default", "href": versions[0].url})
    return links
