"""`./kb` in a fresh copy of the project: the site's commands install only what the site
needs, from the lock file (every dependency pinned, with hashes)."""

from __future__ import annotations

import subprocess

from conftest import ROOT

EXCLUDE = (".venv", ".git", "reports", "site", ".cache", ".pytest_cache", "docker-kb-offline")


def test_kb_build_in_a_fresh_copy_installs_the_site_lock_only(tmp_path):
    copy = tmp_path / "kb"
    copy.mkdir()
    tar = subprocess.Popen(["tar", "-C", str(ROOT), *[f"--exclude=./{e}" for e in EXCLUDE], "--exclude=__pycache__",
                            "-c", "."], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-C", str(copy), "-x"], stdin=tar.stdout, check=True)
    tar.wait()
    done = subprocess.run(["./kb", "build", str(tmp_path / "site")], cwd=copy, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "installing requirements-site.lock" in done.stderr
    installed = {p.name.split("-")[0].lower() for p in (copy / ".venv").glob("lib/python3*/site-packages/*.dist-info")}
    assert {"mkdocs", "mkdocs_material", "pymdown_extensions", "markdown_it_py"} <= installed, installed
    assert not installed & {"pytest", "playwright", "docker", "pexpect", "ruff"}, installed & {"pytest", "playwright"}
    assert (tmp_path / "site" / "en" / "containers" / "index.html").is_file()
    locked = {line.split("==")[0].lower().replace("-", "_") for line in (ROOT / "requirements-site.lock").read_text()
              .splitlines() if "==" in line and not line.startswith("#")}
    assert installed - {"pip"} <= locked | {"setuptools"}, installed - locked
