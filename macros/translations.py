"""Build the other language sites (mkdocs.en.yml) right after the default one.

Each language is its own site, so each gets its own search index, sitemap and interface
language. The Korean config lists the others under `extra.build_also`; each goes into a
sub-folder of the Korean site's output: its own `site_dir` from `site/` (`site/en` -> `en`),
with the Korean site_url and that folder as its site_url. MkDocs builds them after the
Korean one (`on_post_build`), so `mkdocs build`, `mkdocs serve` and `mkdocs gh-deploy`
always produce (and serve, and publish) every language together; `./kb build --zensical`
places them by the same rule (zensical_site.py).
"""

from __future__ import annotations

import os
from pathlib import Path

# Settings the default site was given on the command line or by `mkdocs serve`
# that the other languages must share.
SHARED = ("use_directory_urls", "strict")


def subfolder(root: Path, name: str, site_dir: str) -> str:
    """Where the site of config file `name` goes inside the default site's output."""
    subdir = os.path.relpath(Path(root, site_dir), Path(root, "site"))
    if subdir.startswith("..") or subdir == ".":
        raise ValueError(f"{name}: site_dir must be inside site/ (found {site_dir})")
    return Path(subdir).as_posix()


def site_url_in(default_site_url: str | None, subdir: str) -> str | None:
    return default_site_url.rstrip("/") + "/" + subdir.strip("/") + "/" if default_site_url else None


def build_other_languages(config) -> None:
    """MkDocs only (macros/__init__.py, on_post_build)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = Path(config.config_file_path).parent
    for name in config.extra.get("build_also") or []:
        other = load_config(config_file=str(root / name))
        subdir = subfolder(root, name, other.site_dir)
        other.site_dir = os.path.join(config.site_dir, subdir)
        if config.site_url:
            other.site_url = site_url_in(config.site_url, subdir)
        for key in SHARED:
            other[key] = config[key]
        other.plugins.on_startup(command="build", dirty=False)
        try:
            build(other)
        finally:
            other.plugins.on_shutdown()
