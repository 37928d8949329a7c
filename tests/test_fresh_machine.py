"""The README's set-up on a machine that has never seen the project.

A clean Debian 12 container (a debootstrapped bookworm with its own Python 3.11.2 and
nothing else: no Docker, no venv module, no caches) gets a copy of this checkout, and in
it, as root:

1. `./kb provision` installs and starts everything from nothing: Python's venv, the
   requirements, Debian's docker.io and docker-registry, the engine with the project's
   own config file (never /etc/docker/daemon.json), the catalogue images, the CLI kit;
2. `./kb test` runs a docs page that builds an image and publishes a port, and it passes;
3. the engine is stopped: an engine the project installed is started again as before,
   while an engine someone else installed (no record in the state directory) is left
   alone with a message saying how to start it.

It costs several minutes (downloads and image builds), mostly waiting on the network, so it
runs beside the rest of the suite: tests/conftest.py starts it when the test is selected,
before the first test, and the test waits for it and checks each step. Its container and
that container's storage carry the run's label, so the docs pages running meanwhile on the
same engine never count them as theirs. The figures are printed and written to
reports/fresh-machine.json.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field

import pytest
from conftest import ROOT

from docmodel.page import find_pages, read_page
from docmodel.snippets import SnippetStore
from kbutil import proc
from provision import prepare
from provision.machines import CGROUP, ensure_engine_image, remove, run_labels, run_machine

pytestmark = pytest.mark.fresh_machine

# The network this machine is on: its proxies and the certificate bundle it trusts (a network
# that inspects TLS needs its own authority trusted). A new machine on the same network is
# configured alike; nothing of the project's goes with it.
NETWORK_ENV = ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")
CA_ENV = ("SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
HOST_CA = "/etc/ssl/certs/host-network-ca.pem"

EXCLUDE = (".venv", ".git", "reports", "site", "site.partial", "docker-kb-offline", "docker-kb-offline.zip",
           ".pytest_cache", "__pycache__")


def a_page_that_builds_and_publishes() -> str:
    """The shortest Korean page that builds an image and publishes a port (from the docs as they are)."""
    store = SnippetStore(ROOT / "snippets")
    found = []
    for path in find_pages(ROOT / "docs" / "ko"):
        page = read_page(path, ROOT / "docs", store)
        commands = [d for b in page.blocks for _, d in b.docker()]
        if page.builds_images and not page.isolated and any(d.values("-p", "--publish") for d in commands):
            found.append((len(page.examples), page.display))
    if not found:
        pytest.fail("no page builds an image and publishes a port")
    return min(found)[1]


@dataclass
class Step:
    code: int
    out: str
    took: float


STOP = "pkill -x dockerd; for i in $(seq 300); do pgrep -x dockerd >/dev/null || break; sleep 0.2; done"


@dataclass
class FreshMachine:
    """The scenario on a fresh machine: started before the first test, its steps run in a thread."""
    page: str = ""
    steps: dict[str, Step] = field(default_factory=dict)
    failure: str = ""
    _thread: threading.Thread | None = None
    _container: str = ""
    _host = None

    def start(self) -> FreshMachine:
        """The machine's image and container and a copy of the checkout (before any page runs)."""
        self._host = prepare(log=lambda line: None)
        image = ensure_engine_image(self._host, "fresh-bookworm", log=lambda line: None)
        self.page = a_page_that_builds_and_publishes()
        run_id = uuid.uuid4().hex[:10]
        environment = {k: v for k, v in os.environ.items() if k in NETWORK_ENV}
        volumes = {**CGROUP}
        bundle = next((os.environ[k] for k in CA_ENV if os.path.isfile(os.environ.get(k, ""))), None)
        if bundle:
            volumes[bundle] = {"bind": HOST_CA, "mode": "ro"}
            environment.update(dict.fromkeys(CA_ENV, HOST_CA))
        # init: like a real machine's init, something reaps the daemons ./kb starts and stops
        container = run_machine(self._host.client, image.ref, f"docker-kb-fresh-{run_id}",
                                run_labels(run_id, "fresh"), environment, volumes, init=True)
        self._container = container.id
        excludes = [f"--exclude=./{name}" for name in EXCLUDE] + ["--exclude=__pycache__"]
        tar = subprocess.Popen(["tar", "-C", str(ROOT), *excludes, "-c", "."], stdout=subprocess.PIPE)
        proc.run(["docker", "exec", "-i", container.id, "bash", "-c", "mkdir -p /kb && tar -C /kb -x"],
                 stdin=tar.stdout)
        tar.wait()
        self._thread = threading.Thread(target=self._run, name="fresh-machine", daemon=True)
        self._thread.start()
        return self

    def _step(self, name: str, script: str, timeout: float) -> Step:
        started = time.monotonic()
        done = subprocess.run(["docker", "exec", self._container, "bash", "-c", script], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=timeout)
        self.steps[name] = Step(done.returncode, done.stdout, time.monotonic() - started)
        return self.steps[name]

    def _run(self) -> None:
        try:
            self._step("python", "python3 --version; command -v docker dockerd pip3 || true; "
                                 "python3 -c 'import ensurepip' 2>&1 | tail -1", 60)
            if self._step("provision", "cd /kb && ./kb provision", 1500).code:
                return
            self._step("config", "test ! -e /etc/docker/daemon.json && "
                                 "cd /var/lib/docker-kb && cat daemon.json installed.json", 30)
            self._step("page", f"cd /kb && ./kb test tests/examples.docrun -k '{self.page}' --current-engine off "
                               "-p no:cacheprovider", 1500)
            # The engine stops. Someone else's installation (no record) is never started or reconfigured...
            self._step("not ours", f"{STOP}; mv /var/lib/docker-kb/installed.json /root/record; "
                                   "cd /kb && ./kb provision", 300)
            self._step("left alone", "pgrep -x dockerd; test ! -e /etc/docker/daemon.json", 30)
            # ...while the project's own is started again, with its own config file.
            self._step("ours", "mv /root/record /var/lib/docker-kb/installed.json; "
                               "cd /kb && ./kb provision && ps -o args= -C dockerd", 300)
        except Exception as err:  # noqa: BLE001 - said by the test, with the steps so far
            self.failure = f"{type(err).__name__}: {err}"
        finally:
            remove(self._host.client, self._container)

    def finish(self, timeout: float = 3000) -> None:
        if self._thread is not None:
            self._thread.join(timeout)


MACHINE = FreshMachine()


def test_a_machine_that_never_saw_the_project_sets_itself_up_and_passes_a_page():
    if MACHINE._thread is None and not MACHINE.failure:   # not started beside the suite (this file alone, say)
        MACHINE.start()
    MACHINE.finish()
    steps = MACHINE.steps
    figures: dict[str, float | str] = {"page": MACHINE.page}
    try:
        assert not MACHINE.failure, (MACHINE.failure, {k: v.out[-2000:] for k, v in steps.items()})
        out = steps["python"].out
        assert "Python 3.11.2" in out and "/docker" not in out and "No module named" in out, out
        step = steps["provision"]
        figures["provision_seconds"] = round(step.took)
        assert step.code == 0 and "ready: Docker Engine 20.10" in step.out and "provisioned here" in step.out, \
            step.out[-4000:]
        step = steps["config"]
        assert step.code == 0 and "127.0.0.1:5000" in step.out and "docker.io" in step.out, step.out
        step = steps["page"]
        figures["page_seconds"] = round(step.took)
        assert step.code == 0 and re.search(r"blocks: (\d+) run, \1 passed, 0 failed", step.out), step.out[-5000:]
        assert "classic builder" in step.out, step.out[-3000:]      # 20.10: the page ran with both builders
        step = steps["not ours"]
        assert step.code != 0 and "installed here" in step.out and "not running" in step.out \
            and "systemctl start docker" in step.out, step.out
        step = steps["left alone"]
        assert step.code != 0 or step.out.strip() == "", step.out
        step = steps["ours"]
        assert step.code == 0 and "--config-file /var/lib/docker-kb/daemon.json" in step.out, step.out
    finally:
        report = ROOT / "reports" / "fresh-machine.json"
        report.parent.mkdir(exist_ok=True)
        report.write_text(json.dumps(figures, indent=1) + "\n")
        print(f"fresh machine: {figures}")
