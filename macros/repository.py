"""The repository link and the "edit this page" link, from the environment.

`repo_url: !ENV [REPO_URL, null]` in mkdocs.yml: without REPO_URL there is neither.
With it, Material shows the repository (`owner/repo`) in the header, and each page gets an edit link
to its own file: `edit_uri` is derived from the language's docs_dir (docs/ko/, docs/en/)
and the branch ($REPO_BRANCH, default `main`), unless mkdocs.yml sets `edit_uri` itself.

Material's header widget would also ask the host's API (api.github.com) for stars and
forks; the site makes no request to another host, so hooks.py leaves that part out.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

EDIT_PATHS = {"gitlab.com": "-/edit"}     # GitHub, Gitea, Forgejo, ...: "edit"


def derived_edit_uri(config) -> str | None:
    """edit_uri for this language's docs_dir, or None to keep what the config says."""
    if not config.repo_url or config.edit_uri_template:
        return None
    if any("edit_uri" in raw for raw in config.user_configs):
        return None                       # set by hand in mkdocs.yml
    root = Path(config.config_file_path).resolve().parent
    docs = Path(config.docs_dir).resolve()
    try:
        folder = docs.relative_to(root).as_posix()
    except ValueError:
        return None
    branch = os.environ.get("REPO_BRANCH") or "main"
    action = EDIT_PATHS.get(urlsplit(config.repo_url).netloc.lower(), "edit")
    return f"{action}/{branch}/{folder}/"


def derived_repo_name(config) -> str | None:
    """`owner/repo` from repo_url, shown in the header (MkDocs would say just "GitHub")."""
    if not config.repo_url or any("repo_name" in raw for raw in config.user_configs):
        return None
    path = urlsplit(config.repo_url).path.strip("/").removesuffix(".git")
    return path or None
