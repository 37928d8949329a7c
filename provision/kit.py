"""The project's own Docker CLI for the engine it provisioned: current client, buildx, Compose.

Debian 12's docker.io is Engine 20.10 with a 20.10 client: no buildx, no Compose v2,
the classic builder by default, older messages. Readers of current Docker have a
current client, so on the engine this project provisioned the pages run with Debian
13's `docker-cli` (26.1) and its `docker-buildx` and `docker-compose` plugins: they are
installed in a throwaway `debian:trixie-slim` container and copied out to the
project's state directory (STATE_DIR/kit), never onto the machine's PATH.

Pages get `kit/bin` first on PATH and a DOCKER_CONFIG of their own whose
`cli-plugins` links to `kit/cli-plugins` (see docrun/machine.py).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from kbutil import proc

from .engine import STATE_DIR, ProvisionError

KIT_DIR = STATE_DIR / "kit"
SOURCE_IMAGE = "debian:trixie-slim"
PACKAGES = ("docker-cli", "docker-buildx", "docker-compose")
SCRIPT = ("apt-get update -qq && apt-get install -y -qq --no-install-recommends {packages} >/dev/null "
          "&& mkdir -p /out/bin /out/cli-plugins "
          "&& cp /usr/bin/docker /out/bin/ "
          "&& cp /usr/libexec/docker/cli-plugins/docker-buildx /usr/libexec/docker/cli-plugins/docker-compose "
          "/out/cli-plugins/ "
          "&& chmod -R a+rX /out")


@dataclass(frozen=True)
class Kit:
    bin_dir: Path
    plugins_dir: Path

    @property
    def docker(self) -> Path:
        return self.bin_dir / "docker"


def find_kit() -> Kit | None:
    kit = Kit(KIT_DIR / "bin", KIT_DIR / "cli-plugins")
    if not (kit.docker.exists() and (kit.plugins_dir / "docker-buildx").exists()
            and (kit.plugins_dir / "docker-compose").exists()):
        return None
    return kit


def ensure_kit(log=print) -> Kit:
    """The kit, installed from Debian 13's packages if it is not there yet."""
    kit = find_kit()
    if kit:
        return kit
    partial = KIT_DIR.with_name("kit.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    log(f"provision: installing the current docker CLI, buildx and Compose from Debian 13 into {KIT_DIR}")
    try:
        proc.run(["docker", "run", "--rm", "-v", f"{partial}:/out", SOURCE_IMAGE, "sh", "-c",
                  SCRIPT.format(packages=" ".join(PACKAGES))])
    except proc.CommandFailed as err:
        shutil.rmtree(partial, ignore_errors=True)
        raise ProvisionError(f"could not install the docker CLI kit: {err}") from None
    shutil.rmtree(KIT_DIR, ignore_errors=True)
    partial.rename(KIT_DIR)
    KIT_DIR.chmod(0o755)
    kit = find_kit()
    if kit is None or not proc.succeeds([str(kit.docker), "--version"]):
        raise ProvisionError(f"the docker CLI kit in {KIT_DIR} does not run on this machine")
    return kit
