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

It costs several minutes (downloads and image builds); the figures are printed and
written to reports/fresh-machine.json.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid

import pytest
from conftest import ROOT

from docmodel.page import find_pages, read_page
from docmodel.snippets import SnippetStore
from kbutil import proc
from provision import prepare
from provision.machines import CGROUP, PRIVILEGES, ensure_engine_image, remove, run_labels

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


def in_container(cid: str, script: str, timeout: float) -> tuple[int, str, float]:
    started = time.monotonic()
    done = subprocess.run(["docker", "exec", cid, "bash", "-c", script], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return done.returncode, done.stdout, time.monotonic() - started


def test_a_machine_that_never_saw_the_project_sets_itself_up_and_passes_a_page():
    host = prepare(log=lambda line: None)
    image = ensure_engine_image(host, "fresh-bookworm", log=lambda line: None)
    page = a_page_that_builds_and_publishes()
    run_id = uuid.uuid4().hex[:10]
    environment = {k: v for k, v in os.environ.items() if k in NETWORK_ENV}
    volumes = {**CGROUP}
    bundle = next((os.environ[k] for k in CA_ENV if os.path.isfile(os.environ.get(k, ""))), None)
    if bundle:
        volumes[bundle] = {"bind": HOST_CA, "mode": "ro"}
        environment.update(dict.fromkeys(CA_ENV, HOST_CA))
    # --init: like a real machine's init, something reaps the daemons ./kb starts and stops
    container = host.client.containers.run(image.ref, name=f"docker-kb-fresh-{run_id}", detach=True, init=True,
                                           labels=run_labels(run_id, "fresh"), environment=environment,
                                           volumes=volumes, **PRIVILEGES)
    figures: dict[str, float | str] = {"page": page}
    try:
        excludes = [f"--exclude=./{name}" for name in EXCLUDE] + ["--exclude=__pycache__"]
        tar = subprocess.Popen(["tar", "-C", str(ROOT), *excludes, "-c", "."], stdout=subprocess.PIPE)
        proc.run(["docker", "exec", "-i", container.id, "bash", "-c", "mkdir -p /kb && tar -C /kb -x"],
                 stdin=tar.stdout)
        tar.wait()
        code, out, _ = in_container(container.id, "python3 --version; command -v docker dockerd pip3 || true; "
                                                   "python3 -c 'import ensurepip' 2>&1 | tail -1", 60)
        assert "Python 3.11.2" in out and "/docker" not in out and "No module named" in out, out

        code, out, took = in_container(container.id, "cd /kb && ./kb provision", 1500)
        figures["provision_seconds"] = round(took)
        assert code == 0 and "ready: Docker Engine 20.10" in out and "provisioned here" in out, out[-4000:]
        code, out, _ = in_container(container.id, "test ! -e /etc/docker/daemon.json && "
                                                   "cd /var/lib/docker-kb && cat daemon.json installed.json", 30)
        assert code == 0 and "127.0.0.1:5000" in out and "docker.io" in out, out

        command = f"cd /kb && ./kb test tests/examples.docrun -k '{page}' --current-engine off -p no:cacheprovider"
        code, out, took = in_container(container.id, command, 1500)
        figures["page_seconds"] = round(took)
        assert code == 0 and re.search(r"blocks: (\d+) run, \1 passed, 0 failed", out), out[-5000:]
        assert "classic builder" in out, out[-3000:]      # 20.10: the page ran with both builders

        # The engine stops. Someone else's installation (no record) is never started or reconfigured...
        stop = "pkill -x dockerd; for i in $(seq 300); do pgrep -x dockerd >/dev/null || break; sleep 0.2; done"
        code, out, _ = in_container(container.id, f"{stop}; mv /var/lib/docker-kb/installed.json /root/record; "
                                                   "cd /kb && ./kb provision", 300)
        assert code != 0 and "installed here" in out and "not running" in out and "systemctl start docker" in out, out
        code, out, _ = in_container(container.id, "pgrep -x dockerd; test ! -e /etc/docker/daemon.json", 30)
        assert code != 0 or out.strip() == "", out
        # ...while the project's own is started again, with its own config file.
        code, out, _ = in_container(container.id, "mv /root/record /var/lib/docker-kb/installed.json; "
                                                   "cd /kb && ./kb provision && ps -o args= -C dockerd", 300)
        assert code == 0 and "--config-file /var/lib/docker-kb/daemon.json" in out, out
    finally:
        remove(host.client, container.id)
        report = ROOT / "reports" / "fresh-machine.json"
        report.parent.mkdir(exist_ok=True)
        report.write_text(json.dumps(figures, indent=1) + "\n")
        print(f"fresh machine: {figures}")
