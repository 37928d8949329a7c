"""The project's own Docker CLI for the engine it provisioned: current client, buildx, Compose.

Debian 12's docker.io is Engine 20.10 with a 20.10 client: no buildx, no Compose v2,
the classic builder by default, older messages. Readers of current Docker have a
current client, so on the engine this project provisioned the pages run with the
current engine's `docker-cli` and its `docker-buildx` and `docker-compose` plugins (the
suite and packages of `kit` in provision/engines.yml): they are installed in a throwaway
container of that Debian suite and copied out to the project's state directory
(STATE_DIR/kit), never onto the machine's PATH. The kit is installed again when the
declaration changes.

Pages get `kit/bin` first on PATH and a DOCKER_CONFIG of their own whose
`cli-plugins` links to `kit/cli-plugins` (see docrun/machine.py).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from kbutil import proc

from . import checked_on
from .engine import STATE_DIR, Engine, ProvisionError

KIT_DIR = STATE_DIR / "kit"
STAMP = "DECLARED"          # in KIT_DIR: the suite and packages it was installed from
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


def _declared() -> str:
    kit = checked_on.load().kit
    return f"{kit.suite}: {' '.join(kit.packages)}\n"


def find_kit() -> Kit | None:
    """The kit, if it is installed and from the packages declared now."""
    kit = Kit(KIT_DIR / "bin", KIT_DIR / "cli-plugins")
    if not (kit.docker.exists() and (kit.plugins_dir / "docker-buildx").exists()
            and (kit.plugins_dir / "docker-compose").exists()):
        return None
    try:
        if (KIT_DIR / STAMP).read_text() != _declared():
            return None
    except OSError:
        return None
    return kit


def ensure_kit(engine: Engine, log=print) -> Kit:
    """The kit, installed from the declared suite's packages if it is not there yet."""
    from .images import debian_base

    kit = find_kit()
    if kit:
        return kit
    declared = checked_on.load().kit
    source = debian_base(engine, declared.suite, log)
    partial = KIT_DIR.with_name("kit.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    log(f"provision: installing the docker CLI, buildx and Compose of Debian {declared.suite} into {KIT_DIR}")
    try:
        proc.run(["docker", "run", "--rm", "-v", f"{partial}:/out", source, "sh", "-c",
                  SCRIPT.format(packages=" ".join(declared.packages))])
    except proc.CommandFailed as err:
        shutil.rmtree(partial, ignore_errors=True)
        raise ProvisionError(f"could not install the docker CLI kit: {err}") from None
    (partial / STAMP).write_text(_declared())
    shutil.rmtree(KIT_DIR, ignore_errors=True)
    partial.rename(KIT_DIR)
    KIT_DIR.chmod(0o755)
    kit = find_kit()
    if kit is None or not proc.succeeds([str(kit.docker), "--version"]):
        raise ProvisionError(f"the docker CLI kit in {KIT_DIR} does not run on this machine")
    return kit
