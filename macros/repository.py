"""The repository link and the "edit this page" link, from the environment.

`repo_url: !ENV [REPO_URL, null]` in mkdocs.yml: without REPO_URL there is neither.
With it, the header shows the repository (`owner/repo`), and each page gets an edit link
to its own file: `edit_uri` is derived from the language's docs_dir (docs/ko/, docs/en/)
and the branch ($REPO_BRANCH, default `main`), unless the configuration sets `edit_uri`
(or `edit_uri_template`, `repo_name`) itself.

Material's header widget would also ask the host's API (api.github.com) for stars and
forks; the site makes no request to another host, so overrides/partials/source.html
shows the repository as a plain link.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from urllib.parse import urlsplit

from .site import Site

EDIT_PATHS = {"gitlab.com": "-/edit"}     # GitHub, Gitea, Forgejo, ...: "edit"


def settings(repo_url: str | None, site: Site, by_hand: Collection[str]) -> dict[str, str]:
    """`edit_uri` and `repo_name` for this language's site, except those the configuration sets."""
    if not repo_url:
        return {}
    found = {}
    if not {"edit_uri", "edit_uri_template"} & set(by_hand):
        try:
            folder = site.docs_dir.relative_to(site.root).as_posix()
        except ValueError:
            folder = None
        if folder:
            branch = os.environ.get("REPO_BRANCH") or "main"
            action = EDIT_PATHS.get(urlsplit(repo_url).netloc.lower(), "edit")
            found["edit_uri"] = f"{action}/{branch}/{folder}/"
    name = urlsplit(repo_url).path.strip("/").removesuffix(".git")
    if "repo_name" not in by_hand and name:
        found["repo_name"] = name       # `owner/repo` (MkDocs would say "GitHub")
    return found
