"""The runner against the real engine: each test runs `pytest --docs-dir` on a small folder
of pages in a subprocess, as an author would, and looks at what happened on the engine,
in the report and in the files."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT
from docrun import engine_objects
from provision import prepare


@pytest.fixture(scope="module")
def client():
    return prepare(log=lambda line: None).client


class Run:
    def __init__(self, tmp: Path, proc: subprocess.CompletedProcess):
        self.tmp, self.proc = tmp, proc
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
    proc = subprocess.run(pytest_command(tmp, *extra), cwd=ROOT, capture_output=True, text=True, timeout=600)
    return Run(tmp, proc)


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


BUSY_PAGE = '''
    # Busy { #busy }

    ```dockerfile title="Dockerfile"
    FROM busybox
    RUN echo built > /built.txt
    CMD ["cat", "/built.txt"]
    ```

    ```console
    $ docker build -q -t runner-test-app .
    ...
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
    assert f"{page}:23: the output differs from the page" in run.out
    assert "$ docker run --rm busybox echo actual output" in run.out
    assert "-expected output" in run.out and "+actual output" in run.out
    statuses = [(b["line"], b["status"]) for b in run.blocks()]
    assert statuses == [(3, "passed"), (9, "passed"), (22, "failed"), (27, "skipped")]
    assert run.blocks()[-1]["reason"] == "not run: the block at line 22 failed"
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
    assert [b["status"] for b in run.blocks()] == ["passed", "failed", "skipped"]
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
        $ echo ok
        ok
        ```
    '''})
    assert run.proc.returncode == 0, run.out
    blocks = run.blocks()
    assert [(b["line"], b["kind"], b["status"], b["reason"]) for b in blocks] == [
        (4, "illustrative", "illustrative", "shows the steps, not commands"),
        (9, "skip", "skipped", "needs a second machine"),
        (13, "console", "passed", ""),
    ]
    engine = client.version()["Version"]
    assert all(engine in b["engine"] for b in blocks if b["status"] == "passed")
    assert run.report["engine"]["version"] == engine
    assert run.report["summary"] == {"pages": 1, "blocks": 3, "run": 1, "passed": 1, "failed": 0,
                                     "illustrative": 1, "skipped": 1}
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
    builders = sorted({(b["page"], b["builder"], b["status"]) for b in run.blocks()})
    major = int(client.version()["Version"].split(".")[0])
    classic = "passed" if major < 23 else "skipped"
    default = run.report["engine"]["builder"]
    assert builders == sorted({("build.md", default, "passed"), ("build.md", "classic builder", classic),
                               ("plain.md", default, "passed")})
    assert "build.md (classic builder)" in run.out


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


def test_pages_also_run_on_a_current_engine_beside_an_old_one(client, tmp_path):
    if not client.info().get("RegistryConfig", {}).get("Mirrors"):
        pytest.skip("the current-engine pass needs an engine provisioned by the tests (with its mirror)")
    before = engine_objects.snapshot(client)
    run = run_docs(tmp_path, {"web.md": '''
        # Web { #web }

        ```console
        $ docker run -d --name runner-test-current -p 8087:80 nginx
        <id>
        ```

        <!-- docrun: wait-http http://localhost:8087/ -->

        ```console
        $ curl -s http://localhost:8087/ | grep -o '<title>.*</title>'
        <title>Welcome to nginx!</title>
        $ docker version --format '{{.Server.Version}}' | cut -d. -f1
        ...
        ```
    '''}, "--current-engine", "on")
    assert run.proc.returncode == 0, run.out
    engines = {b["engine"] for b in run.blocks()}
    assert len(engines) == 2 and any("Docker Engine 2" in e and "20.10" not in e for e in engines), engines
    assert "web.md (current engine)" in run.out
    last = run.report["pages"]["web.md"]["last_passed"]["engines"]
    assert sorted(e["engine"] for e in last) == sorted(engines)
    assert_nothing_leaked(client, before)          # the current engine went with the run
