"""Shared fixtures: the project root and real builds of both languages, by MkDocs
(`mkdocs build --strict`) and by Zensical (`./kb build --zensical`)."""

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


ZENSICAL_PYTHON = ROOT / ".venv-zensical" / "bin" / "python"    # made by ./kb build --zensical


def zensical_build(site_dir: Path, project: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Build both languages with Zensical into site_dir: `./kb build --zensical` for the project
    itself (which makes .venv-zensical from its lock), its Python for another project."""
    if project == ROOT:
        command = [str(ROOT / "kb"), "build", "--zensical", str(site_dir)]
    else:
        assert ZENSICAL_PYTHON.exists(), "build the project with Zensical first (fixture zensical_site)"
        command = [str(ZENSICAL_PYTHON), "-m", "macros.zensical_site", "build", str(site_dir)]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env={**os.environ, **(env or {})})


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    done = mkdocs_build(site, env={"DOCKER_KB_REPORT": str(site.parent / "no-report.json")})
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
    return site


@pytest.fixture(scope="session")
def zensical_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The same site built by Zensical (`./kb build --zensical`), and what the build said."""
    site = tmp_path_factory.mktemp("zensical") / "site"
    done = zensical_build(site, env={"DOCKER_KB_REPORT": str(site.parent / "no-report.json")})
    assert done.returncode == 0, f"./kb build --zensical failed:\n{done.stdout}\n{done.stderr}"
    return site, done


@pytest.fixture(scope="session")
def zensical_site(zensical_run) -> Path:
    return zensical_run[0]


BUILDS = {"mkdocs": "built_site", "zensical": "zensical_site"}


@pytest.fixture(params=list(BUILDS))
def any_site(request) -> Path:
    """The site as each generator builds it (tests run once per generator)."""
    return request.getfixturevalue(BUILDS[request.param])


@pytest.fixture(params=list(BUILDS))
def generator(request) -> str:
    """Each generator's name, for tests that build projects of their own (`build_site`)."""
    if request.param == "zensical":
        request.getfixturevalue("zensical_site")       # makes .venv-zensical
    return request.param


def build_site(generator: str, site_dir: Path, project: Path = ROOT, env: dict | None = None):
    """A real build of both languages of `project` by `generator` ("mkdocs" or "zensical")."""
    return (mkdocs_build if generator == "mkdocs" else zensical_build)(site_dir, project, env)


def pages(lang: str) -> list[Path]:
    return sorted((ROOT / "docs" / lang).rglob("*.md"))


@pytest.fixture
def project(tmp_path) -> Path:
    """The site's config and macros, two pages per language, in a fresh git repository
    (tests/git_project.py)."""
    from git_project import new_project
    return new_project(tmp_path)


# The tiers: which tests need what (pytest.ini names the markers). `./kb test` runs them all;
# `./kb test -m "not docker and not browser"` runs what needs neither an engine nor Chromium.
TIERS = {
    "test_runner.py": ("docker", "slow"), "test_provision.py": ("docker",), "test_unprivileged.py": ("docker",),
    "test_lifecycle.py": ("docker",), "test_fresh_machine.py": ("docker", "network", "slow"),
    "test_browser.py": ("browser",), "test_workflow.py": ("network",), "test_kb.py": ("network", "slow"),
    "examples.docrun": ("docker",),
}


def pytest_collection_modifyitems(items):
    for item in items:
        for marker in TIERS.get(item.path.name, ()):
            item.add_marker(marker)


def pytest_collection_finish(session):
    """What mostly waits on downloads starts now and goes on beside the other tests: Chromium for
    the browser tests, when this machine installs it, and the fresh-machine test
    (tests/test_fresh_machine.py)."""
    if session.config.getoption("collectonly"):
        return
    if any(item.path.name == "test_browser.py" for item in session.items):
        import threading

        from provision import ProvisionError
        from provision.browser import ensure_chromium, find_chromium
        from provision.engine import can_provision
        if find_chromium() is None and can_provision()[0]:
            def install():
                try:
                    ensure_chromium(log=lambda line: None)
                except ProvisionError:
                    pass                    # the browser tests' own call says why
            threading.Thread(target=install, name="chromium", daemon=True).start()
    if any(item.get_closest_marker("fresh_machine") for item in session.items) \
            and not session.config.getoption("collectonly"):
        from test_fresh_machine import MACHINE
        try:
            MACHINE.start()
        except Exception as err:  # noqa: BLE001 - the test says it, where it belongs
            MACHINE.failure = f"could not start the fresh machine: {type(err).__name__}: {err}"
