"""The runner against the real engine: each test runs `pytest --docs-dir` on a small folder
of pages in a subprocess, as an author would, and looks at what happened on the engine,
in the report and in the files."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import docker
import psutil
import pytest
from conftest import ROOT

from docrun import engine_objects
from provision import checked_on, prepare
from provision.catalogue import load as load_catalogue

declared = checked_on.load()


@pytest.fixture(scope="module")
def client():
    return prepare(log=lambda line: None).client


class Run:
    def __init__(self, tmp: Path, proc: subprocess.CompletedProcess, pid: int = 0):
        self.tmp, self.proc, self.pid = tmp, proc, pid
        self.out = proc.stdout + proc.stderr
        self.report = json.loads((tmp / "reports" / "blocks.json").read_text())
        self.junit = ET.parse(tmp / "junit.xml").getroot()

    def blocks(self, page: str | None = None) -> list[dict]:
        return [b for b in self.report["blocks"] if page is None or b["page"] == page]


def write_docs(tmp: Path, pages: dict[str, str], snippets: dict[str, str] | None = None) -> None:
    for name, text in pages.items():
        (tmp / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / "docs" / name).write_text(textwrap.dedent(text).lstrip())
    for name, text in (snippets or {}).items():
        (tmp / "snippets").mkdir(exist_ok=True)
        (tmp / "snippets" / f"{name}.console").write_text(text)


def pytest_command(tmp: Path, *extra: str) -> list[str]:
    builder = [] if any(e.startswith("--docker-builder") for e in extra) else ["--docker-builder", "default"]
    if not any(e.startswith("--current-engine") for e in extra):
        builder += ["--current-engine", "off"]
    args = [sys.executable, "-m", "pytest", str(ROOT / "tests" / "examples.docrun"), *builder,
            "--docs-dir", str(tmp / "docs"), "--report-dir", str(tmp / "reports"),
            f"--junitxml={tmp / 'junit.xml'}", "-o", "addopts=-p docrun.plugin -v", "-p", "no:cacheprovider"]
    if (tmp / "snippets").is_dir():
        args += ["--snippets-dir", str(tmp / "snippets")]
    return args + list(extra)


def run_docs(tmp: Path, pages: dict[str, str], *extra: str, snippets: dict[str, str] | None = None) -> Run:
    write_docs(tmp, pages, snippets)
    child = subprocess.Popen(pytest_command(tmp, *extra), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    out, err = child.communicate(timeout=600)
    return Run(tmp, subprocess.CompletedProcess(child.args, child.returncode, out, err), child.pid)


def engine_containers_of(client, pid: int) -> list:
    """The engine containers (and their volumes) a run started and left: by the pid label they carry
    (other runs may share the engine meanwhile)."""
    label = {"label": f"docker-kb.pid={pid}"}
    return client.containers.list(all=True, filters=label) + client.volumes.list(filters=label)


def leftovers(client, before: engine_objects.Snapshot) -> engine_objects.Snapshot:
    return engine_objects.created_since(client, before)


def assert_nothing_leaked(client, before):
    new = leftovers(client, before)
    assert not (new.containers or new.images or new.volumes or new.networks), f"left behind: {new}"


@pytest.fixture
def planted(client):
    """Objects that exist before a run: the runner must never touch them."""
    tag = f"planted-{uuid.uuid4().hex[:8]}"
    container = client.containers.run("busybox", "sleep 600", name=tag, detach=True)
    volume = client.volumes.create(tag)
    network = client.networks.create(tag)
    client.images.get("busybox").tag(tag, "kept")
    yield tag
    container.remove(force=True)
    volume.remove(force=True)
    network.remove()
    client.images.remove(f"{tag}:kept", noprune=True)


@dataclass
class Sentinels:
    """Objects on the main engine a page must not touch: a running and a stopped container, a
    dangling image, a volume and a network, each named (or labelled) with `tag`."""
    tag: str
    running: str
    stopped: str
    image: str

    def state(self, client) -> dict:
        """What there is of them now."""
        containers = {c.name: c.status for c in client.containers.list(all=True, filters={"label": self.tag})}
        return {"containers": containers,
                "image": bool(client.images.list(all=True, filters={"label": self.tag})),
                "volume": bool(client.volumes.list(filters={"name": self.tag})),
                "network": bool(client.networks.list(names=[self.tag]))}


@pytest.fixture
def sentinels(client):
    tag = f"sentinel-{uuid.uuid4().hex[:8]}"
    running = client.containers.run("busybox", "sleep 600", name=f"{tag}-running", detach=True, labels=[tag])
    stopped = client.containers.create("busybox", "true", name=f"{tag}-stopped", labels=[tag])
    maker = client.containers.create("busybox", "true")
    image = maker.commit(changes=[f"LABEL {tag}=1"])           # no name: a dangling image
    maker.remove()
    client.volumes.create(tag)
    client.networks.create(tag)
    yield Sentinels(tag, running.name, stopped.name, image.id)
    for c in client.containers.list(all=True, filters={"label": tag}):
        c.remove(force=True)
    for remove in (lambda: client.images.remove(image.id, force=True), lambda: client.volumes.get(tag).remove(),
                   lambda: client.networks.get(tag).remove()):
        try:
            remove()
        except docker.errors.NotFound:
            pass


BUSY_PAGE = '''
    # Busy { #busy }

    ```dockerfile title="Dockerfile"
    FROM busybox
    RUN echo built > /built.txt
    CMD ["cat", "/built.txt"]
    ```

    ```console
    $ docker build -q -t runner-test-app .
    <digest>
    $ docker run -d --name runner-test-web -v runner-test-data:/data busybox sleep 600
    <id>
    $ docker network create runner-test-net
    <id>
    $ docker tag busybox runner-test-alias
    $ docker run --rm runner-test-app
    built
    ```
'''


def test_a_passing_page_removes_what_it_made_and_never_touches_what_was_there(client, planted, tmp_path):
    before = engine_objects.snapshot(client)
    run = run_docs(tmp_path, {"busy.md": BUSY_PAGE})
    assert run.proc.returncode == 0, run.out
    assert_nothing_leaked(client, before)
    assert client.containers.get(planted).status == "running"
    assert client.volumes.get(planted) and client.networks.get(planted)
    assert f"{planted}:kept" in client.images.get("busybox").tags
    assert "busybox:latest" in client.images.get("busybox").tags


def test_a_failing_page_names_file_line_command_and_diff_and_leaks_nothing(client, planted, tmp_path):
    before = engine_objects.snapshot(client)
    run = run_docs(tmp_path, {"fail.md": textwrap.dedent(BUSY_PAGE) + textwrap.dedent('''
        ```console
        $ docker run --rm busybox echo actual output
        expected output
        ```

        ```console
        $ echo never runs
        never runs
        ```
    ''')})
    assert run.proc.returncode == 1
    page = tmp_path / "docs" / "fail.md"
    assert f"{page}:22: the output differs from the page" in run.out
    assert "$ docker run --rm busybox echo actual output" in run.out
    assert "-expected output" in run.out and "+actual output" in run.out
    statuses = [(b["line"], b["status"]) for b in run.blocks()]
    assert statuses == [(3, "passed"), (9, "passed"), (21, "failed"), (26, "not run")]
    assert run.blocks()[-1]["reason"] == "not run: the block at line 21 failed"
    assert_nothing_leaked(client, before)
    assert client.containers.get(planted).status == "running"


def test_a_timed_out_block_is_stopped_and_the_page_cleaned_up(client, tmp_path):
    before = engine_objects.snapshot(client)
    started = time.monotonic()
    run = run_docs(tmp_path, {"slow.md": '''
        # Slow { #slow }

        ```console
        $ docker run -d --name runner-test-sleeper busybox sleep 600
        <id>
        ```

        <!-- docrun: timeout 2 -->
        ```console
        $ docker run --rm --name runner-test-hang busybox sleep 600
        ```

        ```console
        $ echo after
        after
        ```
    '''})
    assert time.monotonic() - started < 60
    assert run.proc.returncode == 1
    assert "slow.md:10: timed out after 2s" in run.out
    assert [b["status"] for b in run.blocks()] == ["passed", "failed", "not run"]
    assert_nothing_leaked(client, before)


def test_ctrl_c_in_the_middle_of_a_page_still_cleans_up(client, tmp_path):
    before = engine_objects.snapshot(client)
    write_docs(tmp_path, {"interrupted.md": '''
        # Interrupted { #interrupted }

        ```console
        $ docker run -d --name runner-test-interrupted busybox sleep 600
        <id>
        $ docker volume create runner-test-interrupted-data
        runner-test-interrupted-data
        $ sleep 100
        ```
    '''})
    proc = subprocess.Popen(pytest_command(tmp_path), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if client.volumes.list(filters={"name": "runner-test-interrupted-data"}):
            break
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the page never got going")
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "KeyboardInterrupt" in out
    assert_nothing_leaked(client, before)
    report = json.loads((tmp_path / "reports" / "blocks.json").read_text())
    assert report["blocks"][0]["status"] == "failed"


def test_update_mode_rewrites_pages_and_snippets_and_keeps_wildcards(client, tmp_path):
    page = '''
        # Update { #update }

        ```console
        $ printf 'Status: pulled\\nlayer a\\nlayer b\\ndone\\n'
        Status: ...
        ...
        finished
        $ docker run -d --name runner-test-upd busybox sleep 600
        <id>
        $ docker inspect --format '{{.State.Status}} {{.Config.Image}}' runner-test-upd
        stopped
        ```

        {@ snippet("greet") @}
    '''
    snippets = {"greet": "$ echo hello; echo world\nhello\n"}
    also = "# Also { #also }\n\n{@ snippet(\"greet\") @}\n"    # a snippet is shared: a second page
    run = run_docs(tmp_path, {"update.md": page, "also.md": also}, "--update", snippets=snippets)
    assert run.proc.returncode == 0, run.out
    text = (tmp_path / "docs" / "update.md").read_text()
    assert "Status: ...\n...\n$ docker run" in text       # wildcards kept; `...` now absorbs "done" too
    assert "<id>\n$ docker inspect --format '{{.State.Status}} {{.Config.Image}}' runner-test-upd\n" \
           "running busybox\n```" in text                                        # Go template untouched
    assert (tmp_path / "snippets" / "greet.console").read_text() == "$ echo hello; echo world\nhello\nworld\n"
    assert "updated: update.md" in run.out and "updated: " in run.out
    again = run_docs(tmp_path, {})
    assert again.proc.returncode == 0, again.out


def test_reports_list_every_block_in_json_and_junit(client, tmp_path):
    run = run_docs(tmp_path, {"a.md": '''
        # A { #a }

        <!-- docrun: illustrative reason="shows the steps, not commands" -->
        ```text
        1. red 2. green 3. refactor
        ```

        <!-- docrun: skip reason="needs a second machine" -->
        ```console
        $ ssh server docker ps
        ```

        ```console
        $ sleep 0.3; echo ok
        ok
        ```
    '''})
    assert run.proc.returncode == 0, run.out
    blocks = run.blocks()
    assert [(b["line"], b["kind"], b["status"], b["reason"]) for b in blocks] == [
        (4, "illustrative", "illustrative", "shows the steps, not commands"),
        (9, "skipped", "skipped", "needs a second machine"),
        (13, "console", "passed", ""),
    ]
    assert 0.3 <= blocks[2]["duration"] < 30, "a block's duration is the time it took"
    engine = client.version()["Version"]
    assert all(engine in b["engine"] for b in blocks if b["status"] == "passed")
    assert run.report["engines"][0]["version"] == engine
    assert run.report["summary"] == {"pages": 1, "blocks": 3, "run": 1, "passed": 1, "failed": 0,
                                     "illustrative": 1, "skipped": 1, "not_run": 0}
    assert run.report["pages"]["a.md"]["last_passed"]["engine"].startswith("Docker Engine")
    cases = [c for c in run.junit.iter("testcase") if "a.md" in c.get("classname", "") + c.get("name", "")]
    assert len(cases) == 3
    props = {p.get("name"): p.get("value") for p in cases[0].iter("property")}
    assert {"page", "line", "kind", "status", "reason", "duration", "engine"} <= set(props)
    assert props["reason"] == "shows the steps, not commands"
    assert "1 pages, 3 blocks: 1 run, 1 passed, 0 failed, 1 illustrative, 1 skipped" in run.out


def test_bad_pages_fail_alone_and_say_where(client, tmp_path):
    run = run_docs(tmp_path, {
        "unclassified.md": "# U { #u }\n\n```python\nprint('hi')\n```\n",
        "uncatalogued.md": "# C { #c }\n\n```console\n$ docker run --rm ubuntu:24.04 true\n```\n",
        "fine.md": "# F { #f }\n\n```console\n$ echo fine\nfine\n```\n",
    })
    assert run.proc.returncode == 1
    assert "unclassified.md:3: unclassified code block ```python" in run.out
    assert "uncatalogued.md:4: `docker run` uses image 'ubuntu:24.04', which is not in the image catalogue" in run.out
    assert ("fine.md", "passed") in {(b["page"], b["status"]) for b in run.blocks()}


def test_shell_state_files_waits_exit_status_and_interactive_sessions(client, tmp_path):
    run = run_docs(tmp_path, {"flow.md": '''
        # Flow { #flow }

        ```text title="site/index.html"
        hello from a file block
        ```

        ```console
        $ cd site && export GREETING=hi
        ```

        ```console
        $ echo "$GREETING from $(basename "$PWD")"
        hi from site
        $ docker run -d --name runner-test-nginx -p 8089:80 -v "$PWD":/usr/share/nginx/html:ro nginx
        <id>
        $ docker run -d --name runner-test-logger busybox sh -c 'sleep 1; echo ready now; sleep 600'
        <id>
        ```

        <!-- docrun: wait-http http://localhost:8089/index.html -->
        <!-- docrun: wait-log runner-test-logger "ready now" -->

        ```console
        $ curl -s http://localhost:8089/index.html
        hello from a file block
        ```

        <!-- docrun: exit 1 -->
        ```console
        $ docker rm runner-test-nginx
        Error response from daemon: ...
        ```

        ```console
        $ docker run -it --name runner-test-box debian:trixie-slim bash
        root@3f1c0e2d9a4b:/# echo "$HOSTNAME" | wc -c
        13
        root@3f1c0e2d9a4b:/# touch /made-inside && ls /made-inside
        /made-inside
        root@3f1c0e2d9a4b:/# exit
        exit
        $ docker diff runner-test-box | grep made-inside
        A /made-inside
        ```
    '''})
    assert run.proc.returncode == 0, run.out
    assert [b["kind"] for b in run.blocks()] == ["file", "console", "console", "wait-http", "wait-log",
                                                  "console", "console", "console"]


def test_a_readiness_wait_that_never_comes_fails_clearly(client, tmp_path):
    run = run_docs(tmp_path, {"wait.md": '''
        # Wait { #wait }

        ```console
        $ docker run -d --name runner-test-quiet busybox sleep 600
        <id>
        ```

        <!-- docrun: wait-log runner-test-quiet "never printed" timeout=1 -->
    '''})
    assert run.proc.returncode == 1
    assert "wait.md:8: wait-log: log of 'runner-test-quiet' not ready after 1s" in run.out


def test_a_wrong_exit_status_fails(client, tmp_path):
    run = run_docs(tmp_path, {"status.md": "# S { #s }\n\n```console\n$ ls /nonexistent\n```\n"})
    assert run.proc.returncode == 1
    assert "status.md:4: exit status 2, expected 0" in run.out
    assert "No such file or directory" in run.out


def test_interactive_output_is_compared_too(client, tmp_path):
    run = run_docs(tmp_path, {"it.md": '''
        # It { #it }

        ```console
        $ docker run -it --rm debian:trixie-slim bash
        root@3f1c0e2d9a4b:/# cat /etc/debian_version
        12.0
        root@3f1c0e2d9a4b:/# exit
        exit
        ```
    '''})
    assert run.proc.returncode == 1
    assert "it.md:5: the output differs from the page" in run.out
    assert "root@3f1c0e2d9a4b:/# cat /etc/debian_version" in run.out and "-12.0" in run.out


def test_pages_that_build_images_also_run_with_the_classic_builder(client, tmp_path):
    run = run_docs(tmp_path, {
        "build.md": BUSY_PAGE,
        "plain.md": "# P { #p }\n\n```console\n$ echo plain\nplain\n```\n",
    }, "--docker-builder", "auto")
    assert run.proc.returncode == 0, run.out
    builders = sorted({(b["page"], b["builder"], b["status"]) for b in run.blocks() if b["kind"] != "file"})
    old = int(client.version()["Version"].split(".")[0]) < 23
    expected = {("build.md", "BuildKit", "passed"), ("plain.md", "BuildKit", "passed")}
    if old:
        expected.add(("build.md", "classic builder", "passed"))
    assert builders == sorted(expected)
    assert ("build.md (classic builder)" in run.out) == old


PLAIN_WAY = '''
    # Plain { #plain }

    A page written as a reader types it: quiet builds, output thrown away.

    ```dockerfile title="Dockerfile"
    FROM busybox
    CMD ["echo", "plain"]
    ```

    ```console
    $ docker build -q -t runner-test-plain . > /dev/null
    $ docker build -q -t runner-test-plain2 .
    <digest>
    $ docker run --rm runner-test-plain
    plain
    $ docker run -d --name runner-test-lo -p 127.0.0.1:8094:80 nginx > /dev/null
    ```

    <!-- docrun: wait-http http://localhost:8094/ -->

    ```console
    $ curl -s -o /dev/null -w '%{http_code}\\n' http://127.0.0.1:8094/
    200
    $ docker rm -f runner-test-lo
    runner-test-lo
    ```
'''


def test_pages_written_the_plain_way_pass_every_pass(client, tmp_path):
    """No `...` lines for the harness: the classic pass's deprecation notice never reaches the
    comparison, and on the current engine 127.0.0.1 means the page's own machine."""
    extra = ["--docker-builder", "auto"]
    if provisioned(client):
        extra += ["--current-engine", "on"]
    run = run_docs(tmp_path, {"plain.md": PLAIN_WAY}, *extra)
    assert run.proc.returncode == 0, run.out
    passes = {(b["engine"], b["builder"]) for b in run.blocks() if b["status"] == "passed" and b["kind"] == "console"}
    old = int(client.version()["Version"].split(".")[0]) < 23
    assert len(passes) == 1 + old + provisioned(client), passes
    assert all(b["status"] == "passed" for b in run.blocks())


def test_a_snippet_must_be_shared_by_two_pages(client, tmp_path):
    run = run_docs(tmp_path, {"ko/one.md": '# One { #one }\n\n{@ snippet("lonely") @}\n',
                              "en/one.md": '# One { #one }\n\n{@ snippet("lonely") @}\n'},
                   snippets={"lonely": "$ echo hi\nhi\n", "unused": "$ true\n"})
    assert run.proc.returncode == 1
    assert "snippets/lonely.console:1: only one.md uses this snippet" in run.out
    assert "snippets/unused.console:1: no page uses this snippet" in run.out


def test_a_dockerfile_that_does_not_build_and_a_malformed_snippet_say_where(client, tmp_path):
    run = run_docs(tmp_path, {
        "broken.md": '''
            # Broken { #broken }

            ```dockerfile title="Dockerfile"
            FROM busybox
            RUN no-such-command --here
            ```

            ```console
            $ docker build -q -t runner-test-broken .
            <digest>
            ```
        ''',
        "a.md": '# A { #a }\n\n{@ snippet("bad") @}\n',
        "b.md": '# B { #b }\n\n{@ snippet("bad") @}\n',
    }, snippets={"bad": "docker ps\n"})
    assert run.proc.returncode == 1
    assert "broken.md:9: exit status 1, expected 0" in run.out
    assert "$ docker build -q -t runner-test-broken ." in run.out
    assert "no-such-command" in run.out                       # the builder's own error is shown
    assert "snippets/bad.console:1: malformed snippet: a console block must start with a `$ ` command" in run.out
    assert {b["page"] for b in run.blocks() if b["kind"] == "page"} == {"a.md", "b.md"}
    assert run.report["summary"]["failed"] == 3                # the other pages' blocks still ran


def provisioned(client) -> bool:
    return bool(client.info().get("RegistryConfig", {}).get("Mirrors"))


def test_pages_also_run_on_a_current_engine_beside_an_old_one(client, tmp_path):
    if not provisioned(client):
        pytest.skip("the current-engine pass needs an engine provisioned by the tests (with its mirror)")
    before = engine_objects.snapshot(client)
    run = run_docs(tmp_path, {"web.md": '''
        # Web { #web }

        ```text title="site/index.html"
        <title>from a bind mount</title>
        ```

        ```console
        $ docker run -d --name runner-test-current -P -v "$PWD/site":/usr/share/nginx/html:ro nginx
        <id>
        $ docker run -d --name runner-test-hostnet --network host busybox httpd -f -p 8096
        <id>
        ```

        <!-- docrun: wait-port 8096 -->

        ```console
        $ curl -s "http://localhost:$(docker port runner-test-current 80/tcp | head -1 | cut -d: -f2)/"
        <title>from a bind mount</title>
        $ docker version --format '{{.Server.Version}}' | cut -d. -f1,2
        CURRENT
        $ docker info --format '{{.Driver}}'
        overlayfs
        $ id -u
        UID
        ```
    '''.replace("CURRENT", declared.current.version).replace("UID", str(os.geteuid()))}, "--current-engine", "on")
    assert run.proc.returncode == 1, run.out          # the first pass is not the current engine...
    current = [b for b in run.blocks() if b["engine"] and "20.10" not in b["engine"]]
    assert current and all(b["status"] == "passed" for b in current), run.out   # ...the current engine's is
    assert all("containerd image store" in b["engine"] for b in current), current    # as its note will say
    assert "web.md (current engine)" in run.out
    assert_nothing_leaked(client, before)          # the current engine went with the run
    assert not engine_containers_of(client, run.pid)


def test_when_every_page_fails_to_read_the_run_still_ends_with_its_summary(client, tmp_path):
    run = run_docs(tmp_path, {
        "a.md": "# A { #a }\n\n```python\nprint(1)\n```\n",
        "b.md": "# B { #b }\n\n<!-- docrun: wait-port nope -->\n",
    })
    assert run.proc.returncode == 1
    assert "Traceback" not in run.out and "INTERNALERROR" not in run.out, run.out
    assert "2 pages, 2 blocks: 0 run, 0 passed, 2 failed" in run.out
    assert {(b["page"], b["kind"], b["status"]) for b in run.blocks()} == {("a.md", "page", "failed"),
                                                                          ("b.md", "page", "failed")}


def test_every_unclassified_block_of_a_page_is_reported_at_once(client, tmp_path):
    run = run_docs(tmp_path, {"adopt.md": '''
        # Someone else's page { #adopt }

        ```python
        print("one")
        ```

        ```
        two
        ```

            indented three

        ```yaml
        four: 4
        ```
    '''})
    assert run.proc.returncode == 1
    page = tmp_path / "docs" / "adopt.md"
    for line, words in ((3, "unclassified code block ```python"), (7, "unclassified code block ``` (no language)"),
                        (11, "indented code block"), (13, "unclassified code block ```yaml")):
        assert f"{page}:{line}: {words}" in run.out or f"adopt.md:{line}: {words}" in run.out, run.out
    assert sorted(b["line"] for b in run.blocks()) == [3, 7, 11, 13]


def counter_page(counter: Path, prose: str) -> str:
    return f'''
        # Counted {{ #counted }}

        {prose}

        ```console
        $ echo ran >> {counter}
        $ echo "hello from the page"
        hello from the page
        $ printf 'first\\nsecond\\n'
        first
        ```
    '''


def test_a_page_and_its_translation_run_once_and_both_are_reported_and_updated(client, tmp_path):
    counter = tmp_path / "counter"
    pages = {"en/p.md": counter_page(counter, "English prose."),
             "ko/p.md": counter_page(counter, "한국어 설명입니다.\n\n        한 문단 더 있습니다.")}
    run = run_docs(tmp_path, pages, "--update")
    assert run.proc.returncode == 0, run.out
    assert counter.read_text() == "ran\n"                           # one run of the shared scenario
    lines = {(b["page"], b["line"], b["status"], b["shared_with"]) for b in run.blocks()}
    assert lines == {("en/p.md", 5, "passed", ""), ("ko/p.md", 7, "passed", "en/p.md")}
    for name in pages:                                             # --update rewrote both pages
        assert "first\nsecond\n```" in (tmp_path / "docs" / name).read_text()
    assert set(run.report["pages"]) == {"en/p.md", "ko/p.md"}
    assert all(p["status"] == "passed" and p["last_passed"] for p in run.report["pages"].values())


def test_pages_that_differ_both_run(client, tmp_path):
    counter = tmp_path / "counter"
    run = run_docs(tmp_path, {"a.md": counter_page(counter, "A."),
                              "b.md": counter_page(counter, "B.").replace("hello from the page", "hello again")},
                   "--update")
    assert run.proc.returncode == 0, run.out
    assert counter.read_text() == "ran\nran\n"


def test_changed_runs_only_what_could_give_a_different_result(client, tmp_path):
    counter = tmp_path / "counter"
    cache = ["-p", "cacheprovider", "-o", f"cache_dir={tmp_path / 'cache'}"]
    def page(prose: str, greeting: str) -> str:
        text = counter_page(counter, prose).replace("hello from", greeting)
        return text.replace("first\n", "first\n        second\n")
    pages = {"en/a.md": page("A.", "hello from"), "ko/a.md": page("가.", "hello from"),
             "en/b.md": page("B.", "hi from"), "ko/b.md": page("나.", "hi from")}
    first = run_docs(tmp_path, pages, *cache)
    assert first.proc.returncode == 0, first.out
    assert counter.read_text() == "ran\nran\n"
    counter.write_text("")
    again = run_docs(tmp_path, {}, "--changed", *cache)
    assert again.proc.returncode == 0, again.out
    assert counter.read_text() == ""                               # nothing changed: nothing ran
    assert {b["status"] for b in again.blocks()} == {"passed"} and len(again.blocks()) == 4
    assert {b["ran_at"] for b in again.blocks()} <= {b["ran_at"] for b in first.blocks()}
    for lang in ("en", "ko"):                                      # one page edited, in both languages
        path = tmp_path / "docs" / lang / "b.md"
        path.write_text(path.read_text().replace("hi from", "howdy from"))   # command and output alike
    edited = run_docs(tmp_path, {}, "--changed", *cache)
    assert edited.proc.returncode == 0, edited.out
    assert counter.read_text() == "ran\n"                          # b.md ran (once, for both languages)
    shared = {b["page"]: b["shared_with"] for b in edited.blocks()}
    assert shared == {"en/a.md": "an earlier run (--changed: nothing changed)", "ko/a.md": "en/a.md",
                      "en/b.md": "", "ko/b.md": "en/b.md"}


PRUNING = '''
    # Pruning { #pruning }

    ```console
    $ docker pull -q busybox
    docker.io/library/busybox:latest
    $ docker run -d --name keep-running busybox sleep 600
    <id>
    $ docker create --name stopped busybox
    <id>
    ```

    <!-- docrun: isolated reason="prunes and removes containers the page did not create" -->
    ```console
    $ docker container prune -f > /dev/null
    $ docker ps -aq | wc -l
    1
    $ docker rm -f $(docker ps -aq)
    <id>
    $ docker system prune -af > /dev/null
    $ docker images -q | wc -l
    0
    ```
'''


def test_pages_that_act_on_others_objects_run_on_an_engine_of_their_own(client, planted, tmp_path):
    before = engine_objects.snapshot(client)
    run = run_docs(tmp_path, {"prune.md": PRUNING})
    assert run.proc.returncode == 0, run.out
    assert client.containers.get(planted).status == "running"     # the sentinels on this engine are still there
    assert client.volumes.get(planted) and client.networks.get(planted)
    assert f"{planted}:kept" in client.images.get("busybox").tags
    assert_nothing_leaked(client, before)
    assert not engine_containers_of(client, run.pid)
    assert re.search(r"provision: starting docker-kb/engine:\S+ as docker-kb-isolated-", run.out), run.out
    assert all(b["engine"] for b in run.blocks() if b["status"] == "passed" and b["kind"] == "console")


def test_the_same_commands_without_the_declaration_are_refused(client, planted, tmp_path):
    undeclared = "".join(line for line in PRUNING.splitlines(keepends=True) if "docrun: isolated" not in line)
    run = run_docs(tmp_path, {"prune.md": undeclared})
    assert run.proc.returncode == 1
    for line, words in ((13, "`docker container prune` removes objects the page did not create"),
                        (16, "`docker rm` on whatever `docker ps` lists when it runs"),
                        (18, "`docker system prune` removes objects the page did not create")):
        assert f"prune.md:{line}: {words}" in run.out, run.out
    assert 'docrun: isolated reason="..."' in run.out
    assert client.containers.get(planted).status == "running"
    assert [b["kind"] for b in run.blocks()] == ["page", "page", "page"]


def test_ctrl_c_while_the_current_engine_starts_leaves_nothing_behind(client, tmp_path):
    if not provisioned(client):
        pytest.skip("the current-engine pass needs an engine provisioned by the tests (with its mirror)")
    before = engine_objects.snapshot(client)
    write_docs(tmp_path, {"later.md": "# L { #l }\n\n```console\n$ echo later\nlater\n```\n"})
    proc = subprocess.Popen(pytest_command(tmp_path, "--current-engine", "on"), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:                  # the moment its container exists, before it answers
        if client.containers.list(all=True, filters={"label": "docker-kb.role=current"}):
            break
        time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("the current engine never started")
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode != 0, out
    assert not engine_containers_of(client, proc.pid), out
    assert_nothing_leaked(client, before)


def test_a_translation_s_last_passed_note_names_the_same_engines_and_builders(client, tmp_path):
    extra = ["--docker-builder", "auto"] + (["--current-engine", "on"] if provisioned(client) else [])
    page = textwrap.dedent(BUSY_PAGE)
    run = run_docs(tmp_path, {"en/busy.md": page, "ko/busy.md": page.replace("# Busy", "# 바쁨")}, *extra)
    assert run.proc.returncode == 0, run.out
    en, ko = (run.report["pages"][p]["last_passed"]["engines"] for p in ("en/busy.md", "ko/busy.md"))
    assert ko == en
    busybox = load_catalogue().get("busybox").recorded
    assert all(e["images"] == {"busybox:latest": busybox} for e in en), en    # the image the page used, its version
    ran = {(b["engine"], b["builder"]) for b in run.blocks() if b["page"] == "en/busy.md" and b["engine"]}
    assert {(e["engine"], b) for e in en for b in e["builders"]} == ran
    assert {b["shared_with"] for b in run.blocks() if b["page"] == "ko/busy.md"} == {"en/busy.md"}


def test_listings_reaching_others_objects_through_variables_loops_and_xargs_are_refused_at_their_lines(
        client, sentinels, tmp_path):
    before = sentinels.state(client)
    run = run_docs(tmp_path, {"reach.md": '''
        # Reach { #reach }

        ```console
        $ ids=$(docker ps -q)
        ```

        ```console
        $ docker stop $ids
        ```

        ```console
        $ for c in $(docker ps -aq); do docker rm -f "$c"; done
        $ docker images -q --filter dangling=true | xargs docker rmi
        $ mapfile -t vols < <(docker volume ls -q)
        $ docker volume rm "${vols[@]}"
        $ docker network ls -q | while read -r n; do docker network rm "$n"; done
        $ docker run --rm --pid=host busybox kill -STOP 1
        $ docker run --rm -v /var/lib/docker:/state busybox ls /state
        ```
    '''})
    assert run.proc.returncode == 1, run.out
    for line, words in ((8, "`docker stop` on whatever `docker ps` lists"),
                        (12, "`docker rm` on whatever `docker ps` lists"),
                        (13, "`docker rmi` on whatever `docker images` lists"),
                        (15, "`docker volume rm` on whatever `docker volume ls` lists"),
                        (16, "`docker network rm` on whatever `docker network ls` lists"),
                        (17, "`--pid=host` lets the container see and signal the host's processes"),
                        (18, "mounts the engine's state directory /var/lib/docker")):
        assert f"reach.md:{line}: {words}" in run.out, run.out
    assert {b["kind"] for b in run.blocks()} == {"page"}             # refused: nothing ran
    assert sentinels.state(client) == before


OWN_OBJECTS = '''
    # Own { #own }

    ```console
    $ ids=$(for i in 1 2; do docker run -d --label own-test busybox sleep 600; done)
    $ for c in $ids; do docker stop -t 0 "$c" > /dev/null; done
    $ echo $ids | xargs docker rm > /dev/null
    $ vol=$(docker volume create)
    $ docker volume rm "$vol" > /dev/null
    ```
'''


def test_a_page_acting_on_its_own_objects_through_the_same_means_passes(client, sentinels, tmp_path):
    before = sentinels.state(client)
    run = run_docs(tmp_path, {"own.md": OWN_OBJECTS})
    assert run.proc.returncode == 0, run.out
    assert sentinels.state(client) == before


def test_the_guard_fails_the_block_that_changed_what_existed_before_the_page(client, sentinels, tmp_path):
    """What the static reader can't see (a script the page runs) is caught when it happens."""
    run = run_docs(tmp_path, {"harm.md": f'''
        # Harm {{ #harm }}

        ```sh title="tidy.sh"
        docker stop -t 0 {sentinels.running} > /dev/null
        docker rm {sentinels.stopped} > /dev/null
        docker rmi {sentinels.image} > /dev/null
        docker volume rm {sentinels.tag} > /dev/null
        docker network rm {sentinels.tag} > /dev/null
        ```

        ```console
        $ echo before
        before
        $ sh tidy.sh
        ```

        ```console
        $ echo never
        never
        ```
    '''})
    assert run.proc.returncode == 1, run.out
    assert "harm.md:11: changed objects that existed before the page" in run.out, run.out   # the block
    short = sentinels.image.removeprefix("sha256:")[:12]
    for words in (f"container {sentinels.running} (", "was running, is now exited",
                  f"container {sentinels.stopped} (", "was removed", f"image <none> ({short}) was removed",
                  f"volume {sentinels.tag} was removed", f"network {sentinels.tag} ("):
        assert words in run.out, run.out
    assert [b["status"] for b in run.blocks()] == ["passed", "failed", "not run"]


def _own_dockerd() -> psutil.Process:
    from provision.engine import DAEMON_CONFIG
    for p in psutil.process_iter(["name", "cmdline"]):
        if p.info["name"] == "dockerd" and str(DAEMON_CONFIG) in (p.info["cmdline"] or []):
            return p
    pytest.skip("the engine here was not started by the tests (no dockerd --config-file of the project)")


KILLED = '''
    # Killed { #killed }

    ```console
    $ docker run -d --label kill-test busybox sleep 600
    <id>
    $ touch MARKER && sleep 20
    $ docker ps -q --filter label=kill-test | wc -l
    1
    ```
'''
LATER = "# Later { #later }\n\n```console\n$ docker ps -q --filter label=kill-test | wc -l\n0\n```\n"


def _kill_while_it_runs(tmp_path, kill, *extra) -> Run:
    """Run the pages, and kill() once the first is in its sleep (it touched a marker in its working
    directory, which is under the run's directory in the temporary folder, wherever its shell runs)."""
    marker = f"ready-to-kill-{uuid.uuid4().hex[:8]}"
    write_docs(tmp_path, {"a-killed.md": KILLED.replace("MARKER", marker), "b-later.md": LATER})
    proc = subprocess.Popen(pytest_command(tmp_path, *extra), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 240
    while not list(Path(tempfile.gettempdir()).glob(f"docrun-*/page-*/work/{marker}")):
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail(f"the page never got to its sleep:\n{proc.communicate()[0]}")
        time.sleep(0.2)
    kill()
    out, _ = proc.communicate(timeout=300)
    return Run(tmp_path, subprocess.CompletedProcess(proc.args, proc.returncode, out, ""), proc.pid)


def test_when_the_engine_dies_the_run_ends_with_a_message_and_a_summary_and_the_next_run_recovers(client, tmp_path):
    dockerd = _own_dockerd()
    try:
        run = _kill_while_it_runs(tmp_path, dockerd.kill)
    finally:
        client = prepare(log=lambda line: None).client      # starts the project's engine again
    assert run.proc.returncode == 1, run.out
    assert "Traceback" not in run.out and "INTERNALERROR" not in run.out, run.out
    assert "a-killed.md:7: the Docker engine at unix:///var/run/docker.sock stopped answering" in run.out, run.out
    assert "1 failed" in run.out and "not run" in run.out, run.out
    statuses = {(b["page"], b["line"]): (b["status"], b["reason"]) for b in run.blocks()}
    assert statuses[("b-later.md", 3)] == ("not run", "not run: the Docker engine at unix:///var/run/docker.sock "
                                                      "had stopped"), statuses
    for c in client.containers.list(all=True, filters={"label": "kill-test"}):   # what the killed page left
        c.remove(force=True)
    again = run_docs(tmp_path / "again", {"a-killed.md": KILLED.replace("MARKER", "m2"), "b-later.md": LATER})
    assert again.proc.returncode == 0, again.out


def test_when_the_current_engine_dies_its_pages_end_with_a_message_and_the_run_with_its_summary(client, tmp_path):
    if not provisioned(client):
        pytest.skip("the current-engine pass needs an engine provisioned by the tests (with its mirror)")

    def kill_current():
        (current,) = client.containers.list(filters={"label": "docker-kb.role=current"})
        current.kill()

    run = _kill_while_it_runs(tmp_path, kill_current, "--current-engine", "on", "-k", "current")
    assert run.proc.returncode == 1, run.out
    assert "Traceback" not in run.out and "INTERNALERROR" not in run.out, run.out
    assert "a-killed.md:6: the Docker engine at tcp://" in run.out and "stopped answering" in run.out, run.out
    assert "pages, " in run.out and "report: " in run.out, run.out
    assert not engine_containers_of(client, run.pid)


def test_ctrl_c_while_the_current_engine_pass_runs_beside_the_others_leaves_nothing_behind(client, tmp_path):
    if not provisioned(client):
        pytest.skip("the current-engine pass needs an engine provisioned by the tests (with its mirror)")
    before = engine_objects.snapshot(client)
    marker = f"interrupt-me-{uuid.uuid4().hex[:8]}"
    pages = {f"p{n}.md": f"# P{n} {{ #p{n} }}\n\n```console\n$ docker run -d --label bg-test busybox sleep 600\n"
                         f"<id>\n$ touch {marker}-{n} && sleep 30\n```\n" for n in (1, 2, 3)}
    write_docs(tmp_path, pages)
    proc = subprocess.Popen(pytest_command(tmp_path, "--current-engine", "on"), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 240
    while len(list(Path(tempfile.gettempdir()).glob(f"docrun-*/page-*/work/{marker}-*"))) < 2:  # both passes going
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail(f"the two passes never ran side by side:\n{proc.communicate()[0]}")
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=180)
    assert proc.returncode != 0, out
    assert "page runs on Docker Engine" in out and "go on beside the others" in out, out
    assert not engine_containers_of(client, proc.pid), out
    assert_nothing_leaked(client, before)


def test_a_container_that_ends_by_itself_while_a_page_runs_is_not_the_page_s_doing(client, tmp_path):
    """On a shared engine someone's container may finish its work meanwhile: only a stop, kill,
    pause or start counts against the page."""
    short = client.containers.run("busybox", "sleep 3", detach=True, labels=["guard-test"])
    try:
        run = run_docs(tmp_path, {"quiet.md": "# Quiet { #quiet }\n\n```console\n$ sleep 6\n```\n"})
        assert run.proc.returncode == 0, run.out
        short.reload()
        assert short.status == "exited"
    finally:
        short.remove(force=True)


def test_shards_split_the_page_runs_and_their_merged_report_is_the_unsharded_one(client, tmp_path):
    pages = {f"{lang}/p{n}.md": f"# P{n} {{ #p }}\n\n{'English.' if lang == 'en' else '한국어.'}\n\n"
                                f"```console\n$ echo hello {n}\nhello {n}\n```\n"
             for n in range(4) for lang in ("en", "ko")}
    whole = run_docs(tmp_path, pages)                  # the same folder of docs for every run, as on N machines
    assert whole.proc.returncode == 0, whole.out

    def shard(k: int) -> Run:
        reports = tmp_path / f"shard{k}"
        args = pytest_command(tmp_path, f"--shard={k}/2", "--report-dir", str(reports / "reports"),
                              f"--junitxml={reports / 'junit.xml'}")
        done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
        return Run(reports, done)

    shard_runs = [shard(1), shard(2)]
    for shard in shard_runs:
        assert shard.proc.returncode == 0, shard.out
    ran = [b["page"] for s in shard_runs for b in s.blocks()]
    assert sorted(ran) == sorted(b["page"] for b in whole.blocks())        # the union is the whole, once each
    assert all(s.blocks() for s in shard_runs)                              # and each shard had work
    for n in range(4):                                                      # a page and its translation together
        assert len({k for k, s in enumerate(shard_runs) for b in s.blocks() if b["page"].endswith(f"p{n}.md")}) == 1
    out = tmp_path / "merged"
    for k in (1, 2):                                  # a shard's folder as CI hands it over: report and JUnit
        (tmp_path / f"shard{k}" / "junit.xml").replace(tmp_path / f"shard{k}" / "reports" / "junit.xml")
    merge = subprocess.run([sys.executable, "-m", "tools.report", "merge", str(tmp_path / "shard1" / "reports"),
                            str(tmp_path / "shard2" / "reports"), "--out", str(out)],
                           cwd=ROOT, capture_output=True, text=True)
    assert merge.returncode == 0, merge.stderr
    merged = json.loads((out / "blocks.json").read_text())

    def facts(report):
        return ({(b["page"], b["line"], b["status"], b["engine"], b["builder"]) for b in report["blocks"]},
                {p: (s["status"], s["blocks"], s["executed"]) for p, s in report["pages"].items()},
                sorted(e["label"] for e in report["engines"]), report["summary"])
    assert facts(merged) == facts(whole.report)
    junit = ET.parse(out / "junit.xml").getroot()
    assert len(list(junit.iter("testcase"))) == len(list(whole.junit.iter("testcase")))


def test_kb_check_runs_a_folder_outside_the_project_with_its_own_images(client, tmp_path):
    """./kb check DIR: only that folder's examples, the same reports; --images FILE: the images it may use."""
    docs = tmp_path / "book"
    docs.mkdir()
    (docs / "small.md").write_text("# Small\n\n```console\n$ docker run --rm smallish:1 echo hi\nhi\n```\n")
    (tmp_path / "images.yml").write_text("smallish:1:\n  used_for: the book's small image\n")   # no recipe: pulled
    client.images.get("busybox").tag("smallish", "1")                          # as if pulled already
    kb = [str(ROOT / "kb"), "check"]
    common = ["--current-engine", "off", "--docker-builder", "default", "--report-dir", str(tmp_path / "reports")]
    try:
        refused = subprocess.run([*kb, "book", *common], cwd=tmp_path, capture_output=True, text=True)
        assert refused.returncode == 1, refused.stdout[-3000:]
        assert "small.md:4: `docker run` uses image 'smallish:1', which is not in the image catalogue" \
            in refused.stdout, refused.stdout[-3000:]
        done = subprocess.run([*kb, "book", "--images", "images.yml", *common], cwd=tmp_path,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-3000:]
        report = json.loads((tmp_path / "reports" / "blocks.json").read_text())
        assert [(b["page"], b["status"]) for b in report["blocks"]] == [("small.md", "passed")]
        assert "tests/test_" not in done.stdout                    # nothing but that folder's examples ran
    finally:
        client.images.remove("smallish:1", noprune=True)
