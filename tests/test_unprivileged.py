"""The docs runner as an ordinary user in the `docker` group, as on GitHub's runners and
most laptops: an engine already running, no step needing root, and an engine lock that
root made earlier still shared. The page runs on every pass, the current engine's too, and
in each its shell is that user (`id -u`), whose files in a bind mount are its own while a
container's root writes root's."""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path

import pytest
from conftest import ROOT

from docrun.engine_lock import EngineLock
from provision import prepare
from provision.engine import engine_address

PAGE = '''
    # As a user { #as-a-user }

    ```dockerfile title="Dockerfile"
    FROM busybox
    CMD ["httpd", "-f", "-p", "80", "-h", "/www"]
    ```

    ```console
    $ mkdir www && echo "served" > www/index.html
    $ docker build -q -t unprivileged-test . > /dev/null
    $ docker run -d --name unprivileged-web -p 8097:80 -v "$PWD/www":/www unprivileged-test
    <id>
    ```

    <!-- docrun: wait-http http://localhost:8097/ -->

    ```console
    $ curl -s http://localhost:8097/
    served
    $ docker run --rm -v "$PWD/www":/www busybox sh -c 'echo made-by-root > /www/root-owned'
    $ id -u
    UID
    $ stat -c '%u %n' www/index.html www/root-owned
    UID www/index.html
    0 www/root-owned
    ```
'''


@pytest.fixture
def user():
    """An ordinary user in the docker group: made by the test when we are root, else ourselves."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid()).pw_name
        if "docker" not in [g.gr_name for g in grp.getgrall() if me in g.gr_mem] + \
                [grp.getgrgid(os.getgid()).gr_name]:
            pytest.skip("run as root (the test makes a user) or as a user in the docker group")
        yield me
        return
    try:
        grp.getgrnam("docker")
    except KeyError:
        pytest.skip("there is no docker group on this machine")
    name = f"kbt{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--no-create-home", "--groups", "docker", "--shell", "/bin/bash", name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["userdel", name], check=False)


def test_an_ordinary_user_in_the_docker_group_runs_the_docs(user):
    engine = prepare(log=lambda line: None)
    lock = EngineLock(engine_address())       # root (this process) made the lock first, as on a shared machine
    lock.acquire()
    lock.release()
    python = sys.executable
    as_user = ["runuser", "-u", user, "--"] if os.geteuid() == 0 else []
    probe = subprocess.run([*as_user, python, "-c", "import docker, pytest"], capture_output=True, text=True)
    assert probe.returncode == 0, (f"{user} can't run the project's Python ({python}); make .venv from the "
                                   f"system's Python (./kb does):\n{probe.stderr[-500:]}")
    work = Path(tempfile.mkdtemp(prefix="kb-unprivileged-"))
    try:
        (work / "docs").mkdir()
        uid = str(pwd.getpwnam(user).pw_uid)
        (work / "docs" / "user.md").write_text(textwrap.dedent(PAGE).lstrip().replace("UID", uid))
        if os.geteuid() == 0:
            shutil.chown(work, user)
            for p in work.rglob("*"):
                shutil.chown(p, user)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "LANG": "C.UTF-8",
               "PYTHONDONTWRITEBYTECODE": "1"}
        cmd = [*as_user, "env", *[f"{k}={v}" for k, v in env.items()], python, "-m", "pytest",
               str(ROOT / "tests" / "examples.docrun"), "--docs-dir", str(work / "docs"),
               "--report-dir", str(work / "reports"), f"--junitxml={work / 'junit.xml'}", "-p", "no:cacheprovider",
               "-o", "addopts=-p docrun.plugin -v", "--current-engine", "on" if engine.provisioned else "off"]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
        out = done.stdout + done.stderr
        assert done.returncode == 0, out
        report = json.loads((work / "reports" / "blocks.json").read_text())
        assert {b["status"] for b in report["blocks"]} == {"passed"}, out
        if engine.provisioned:                     # the page ran on every pass, the current engine's too
            assert {e["role"] for e in report["engines"]} == {"provisioned", "current"}, report["engines"]
            assert "user.md (current engine)" in out and "user.md (classic builder)" in out, out
        assert "PermissionError" not in out
        leftovers = [p for p in Path(tempfile.gettempdir()).glob("docrun-*") if p.owner() == user]
        assert not leftovers, f"the run's directories were left behind: {leftovers}"
    finally:
        subprocess.run(["rm", "-rf", str(work)], check=False)
    assert not engine.client.containers.list(all=True, filters={"name": "unprivileged-web"})
