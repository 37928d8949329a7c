"""Build the other language sites (mkdocs.en.yml) right after the default one.

Each language is its own MkDocs project, so each gets its own search index,
sitemap and interface language. The Korean config lists the others under
`extra.build_also`; after it is built, each is built into a sub-folder of its
site_dir, so `mkdocs build`, `mkdocs serve` and `mkdocs gh-deploy` always
produce (and serve, and publish) every language together.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

# Settings the default site was given on the command line or by `mkdocs serve`
# that the other languages must share.
SHARED = ("use_directory_urls", "strict")


def build_other_languages(config) -> None:
    root = Path(config.config_file_path).parent
    for name in config.extra.get("build_also") or []:
        other = load_config(config_file=str(root / name))
        subdir = os.path.relpath(other.site_dir, str(root / "site"))
        if subdir.startswith(".."):
            raise ValueError(f"{name}: site_dir must be inside site/ (found {other.site_dir})")
        other.site_dir = os.path.join(config.site_dir, subdir)
        if config.site_url:
            other.site_url = config.site_url.rstrip("/") + "/" + subdir.strip("/") + "/"
        for key in SHARED:
            other[key] = config[key]
        other.plugins.on_startup(command="build", dirty=False)
        try:
            build(other)
        finally:
            other.plugins.on_shutdown()
