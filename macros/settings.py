"""Settings that depend on where the site is published and from which repository ($SITE_URL,
$REPO_URL, $REPO_BRANCH), worked out in one place for both generators.

- `edit_uri`, `repo_name`: repository.py;
- `extra.languages`, each with its `home` as an absolute path, for pages served at any
  address (the 404 page and its language menu): alternates.homes.

MkDocs gets them from `define_env` (its configuration is still being set up then);
Zensical reads its configuration before any Python runs, so `./kb build --zensical`
writes them into the configuration it hands Zensical (zensical_site.py).
"""

from __future__ import annotations

from collections.abc import Collection

from . import alternates, repository
from .site import Site


def derived(repo_url: str | None, site: Site, by_hand: Collection[str]) -> dict:
    """Configuration keys (`extra` as a mapping of its own keys) for this language's site."""
    return {**repository.settings(repo_url, site, by_hand), "extra": {"languages": alternates.homes(site)}}


def apply(conf, settings: dict) -> None:
    """Set `settings` in a configuration (MkDocs' object or a plain mapping); `extra` key by key."""
    for key, value in settings.items():
        if key == "extra":
            for extra_key, extra_value in value.items():
                conf["extra"][extra_key] = extra_value
        else:
            conf[key] = value
