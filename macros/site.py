"""What MkDocs and Zensical tell the macros module, read one way.

Both generators call `define_env(env)` of this module; neither is imported here.
- `env.project_dir`: the folder of the configuration file;
- `env.conf`: the configuration, a mapping in both (MkDocs' config object, Zensical's
  dict): `docs_dir` (absolute in MkDocs, relative to the project in Zensical),
  `theme.language`, `site_url`, `use_directory_urls`, `extra`;
- `env.page`: the page being rendered, with its `url` (from the site's root) and `meta`;
  MkDocs' names its source `file.src_uri`, Zensical's `path` (both relative to docs_dir).
  MkDocs sets it before each `on_pre_page_macros`; Zensical calls `define_env` once for
  every page, with the page set.

`extra.languages` (mkdocs.yml) lists the site's languages, the first being the original
at the site root; each one's `root` is where its pages are, from the original's root, and
its pages are docs/<lang>/ with the same file names as this site's.
"""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# MkDocs shows the records of loggers under `mkdocs.`; the Zensical build shows this one too.
log = logging.getLogger("mkdocs.plugins.kb")


@dataclass(frozen=True)
class Language:
    lang: str
    name: str
    root: str          # where its pages are, from the original's root: "" for the original, "en/"
    docs_dir: Path


@dataclass(frozen=True)
class Site:
    """One language's site, as either generator configures it."""
    root: Path                 # the project: the folder of the configuration file
    docs_dir: Path             # this language's pages
    lang: str
    site_url: str | None
    directory_urls: bool
    languages: tuple[Language, ...]

    @property
    def own(self) -> Language | None:
        return next((language for language in self.languages if language.lang == self.lang), None)


_last: list[tuple[object, Site]] = []     # [(the configuration, its Site)]: Zensical asks for every page


def site_of(env) -> Site:
    if _last and _last[0][0] is env.conf:
        return _last[0][1]
    site = read_site(env.conf, Path(env.project_dir))
    _last[:] = [(env.conf, site)]
    return site


def read_site(conf, project_dir: Path) -> Site:
    root = Path(project_dir).resolve()
    docs_dir = (root / str(conf["docs_dir"])).resolve()
    lang = conf["theme"]["language"] or "en"
    extra = conf.get("extra") or {}
    languages = []
    for entry in extra.get("languages") or []:
        other = entry["lang"]
        languages.append(Language(other, entry.get("name") or other, normal_root(entry.get("root") or ""),
                                  docs_dir if other == lang else docs_dir.parent / other))
    return Site(root, docs_dir, lang, conf.get("site_url") or None, bool(conf.get("use_directory_urls", True)),
                tuple(languages))


def normal_root(root: str) -> str:
    """"" for the original's root, else a relative folder ending in "/"."""
    root = posixpath.normpath(root or ".")
    return "" if root == "." else root + "/"


@dataclass(frozen=True)
class PageRef:
    src_uri: str       # the source, relative to docs_dir ("containers.md")
    url: str           # its address from the site's root ("containers/", "containers.html", "")
    meta: dict         # its metadata: what the templates get as `page.meta`

    def source(self, site: Site) -> Path:
        return site.docs_dir / self.src_uri


def page_of(env) -> PageRef | None:
    page = env.page
    if page is None:
        return None
    file = getattr(page, "file", None)
    src_uri = file.src_uri if file is not None else page.path
    if page.meta is None:
        page.meta = {}
    return PageRef(PurePosixPath(src_uri).as_posix(), page.url or "", page.meta)


def page_url(src_uri: str, directory_urls: bool) -> str:
    """The address a generator gives docs page `src_uri`, from its site's root (MkDocs' rule,
    which Zensical follows): `a/b.md` is `a/b/` or `a/b.html`; `a/index.md` is `a/`."""
    path = PurePosixPath(src_uri)
    stem = path.with_suffix("")
    if stem.name in ("index", "README"):
        folder = "" if str(stem.parent) == "." else f"{stem.parent}/"
        return folder if directory_urls else f"{folder}index.html"
    return f"{stem}/" if directory_urls else f"{stem}.html"
