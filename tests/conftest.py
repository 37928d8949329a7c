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


ZENSICAL_PYTHON = ROOT / ".venv-zensical" / "bin" / "python"    # made by ./kb build --zensical


def build_site(generator: str, site_dir: Path, project: Path = ROOT, env: dict | None = None,
               quiet: bool = True) -> subprocess.CompletedProcess:
    """The one real build of both languages in the tests: `mkdocs build --strict` ("mkdocs") or
    Zensical's (`./kb build --zensical` for the project itself, which makes .venv-zensical from
    its lock; its Python for another project), of `project` into `site_dir`."""
    if generator == "mkdocs":
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", *(["-q"] if quiet else []), "-d", str(site_dir)]
    elif project == ROOT:
        command = [str(ROOT / "kb"), "build", "--zensical", str(site_dir)]
    else:
        assert ZENSICAL_PYTHON.exists(), "build the project with Zensical first (fixture zensical_site)"
        command = [str(ZENSICAL_PYTHON), "-m", "macros.zensical_site", "build", str(site_dir)]
    return subprocess.run(command, cwd=project, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


def build_project(generator: str, project: Path, **env: str) -> tuple[Path, subprocess.CompletedProcess]:
    """A test project's site, built beside it (no test report unless `env` names one)."""
    site = project.parent / "site"
    return site, build_site(generator, site, project=project,
                            env={"PYTHONPATH": str(ROOT), "DOCKER_KB_REPORT": str(project.parent / "none.json"),
                                 **env})


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    done = build_site("mkdocs", site, env={"DOCKER_KB_REPORT": str(site.parent / "no-report.json")})
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
    return site


@pytest.fixture(scope="session")
def zensical_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The same site built by Zensical (`./kb build --zensical`), and what the build said."""
    site = tmp_path_factory.mktemp("zensical") / "site"
    done = build_site("zensical", site, env={"DOCKER_KB_REPORT": str(site.parent / "no-report.json")})
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


def pages(lang: str) -> list[Path]:
    return sorted((ROOT / "docs" / lang).rglob("*.md"))


@pytest.fixture
def project(tmp_path):
    """Makes small projects of the site (tests/git_project.py): `project()` is the site's config
    and macros with two pages per language in a fresh git repository; `project(pages, files,
    git_history=False)` one with the test's own pages and files."""
    from git_project import new_project
    made = iter(range(1000))

    def make(pages=None, files=None, git_history=True) -> Path:
        folder = tmp_path / f"project-{next(made)}"
        folder.mkdir()
        return new_project(folder, pages, files, git_history)
    return make


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
