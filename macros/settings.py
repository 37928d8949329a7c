"""What the macros module adds to each language's configuration, worked out in one place for
both generators: settings that depend on where the site is published and from which repository
($SITE_URL, $REPO_URL, $REPO_BRANCH), and what comes from the project's own files.

- `edit_uri`, `repo_name`: repository.py;
- `extra.languages`, each with its `home` as an absolute path, for pages served at any
  address (the 404 page and its language menu): alternates.homes;
- `extra.search_synonyms`: the glossary's spellings of each term, for the search (synonyms.py);
- `markdown_extensions`: the project's own, added to the configuration's (marks.py puts the
  test report's mark under each code block). By name: MkDocs would import them while it
  reads mkdocs.yml, before the macros module has put the project on the import path.

MkDocs gets them from `define_env` (its configuration is still being set up then);
Zensical reads its configuration before any Python runs, so `./kb build --zensical`
writes them into the configuration it hands Zensical (zensical_site.py).
"""

from __future__ import annotations

from collections.abc import Collection

from . import alternates, repository, synonyms
from .site import Site

EXTENSIONS = ("macros.marks",)


def derived(repo_url: str | None, site: Site, by_hand: Collection[str]) -> dict:
    """Configuration keys (`extra` as a mapping of its own keys, `markdown_extensions` as the ones
    to add) for this language's site."""
    extra = {"languages": alternates.homes(site),
             "search_synonyms": synonyms.for_site(site.docs_dir.parent / "glossary.yml", site.lang)}
    return {**repository.settings(repo_url, site, by_hand), "extra": extra, "markdown_extensions": list(EXTENSIONS)}


def apply(conf, settings: dict) -> None:
    """Set `settings` in a configuration (MkDocs' object or a plain mapping); `extra` key by key,
    `markdown_extensions` added to the configuration's own."""
    for key, value in settings.items():
        if key == "extra":
            for extra_key, extra_value in value.items():
                conf["extra"][extra_key] = extra_value
        elif key == "markdown_extensions":
            configured = conf.get("markdown_extensions")
            if configured is None:
                conf["markdown_extensions"] = configured = []
            configured.extend(name for name in value if name not in configured)
        else:
            conf[key] = value
