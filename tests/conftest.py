"""Shared fixtures: the project root and a real `mkdocs build --strict` of both languages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("ko", "en")


def mkdocs_build(site_dir: Path, project: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real `mkdocs build --strict` (both languages) into site_dir."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site_dir)],
        cwd=project, capture_output=True, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    done = mkdocs_build(site, env={"DOCKER_KB_REPORT": str(site.parent / "no-report.json")})
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
    return site


def pages(lang: str) -> list[Path]:
    return sorted((ROOT / "docs" / lang).rglob("*.md"))


@pytest.fixture
def project(tmp_path) -> Path:
    """The site's config and macros, two pages per language, in a fresh git repository
    (tests/git_project.py)."""
    from git_project import new_project
    return new_project(tmp_path)
