"""The project's own Docker CLI for the engine it provisioned: current client, buildx, Compose.

Debian 12's docker.io is Engine 20.10 with a 20.10 client: no buildx, no Compose v2,
the classic builder by default, older messages. Readers of current Docker have a
current client, so on the engine this project provisioned the pages run with the current
engine's own `docker` client and its `buildx` and `compose` plugins (provision/engines.yml,
`current`): they are copied out of the current engine's image into the project's state
directory (STATE_DIR/kit), never onto the machine's PATH, and copied again when that
image's recipe or declaration changes.

Pages get `kit/bin` first on PATH and a DOCKER_CONFIG of their own whose
`cli-plugins` links to `kit/cli-plugins` (see docrun/machine.py).
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from kbutil import proc

from .checked_on import Role
from .engine import KIT_DIR, Engine, ProvisionError

STAMP = "FROM"          # in KIT_DIR: the recipe digest of the engine image it was copied from
FILES = {"bin": ["/usr/bin/docker"],
         "cli-plugins": ["/usr/libexec/docker/cli-plugins/docker-buildx",
                         "/usr/libexec/docker/cli-plugins/docker-compose"]}


@dataclass(frozen=True)
class Kit:
    bin_dir: Path
    plugins_dir: Path

    @property
    def docker(self) -> Path:
        return self.bin_dir / "docker"


def _source() -> tuple[str, str]:
    """The current engine's image and the digest of its recipe as declared now."""
    from .images import recipe_digest
    from .machines import engine_images
    image = engine_images()[Role.CURRENT]
    return image.ref, recipe_digest(image.recipe, *image.all_args)


def find_kit() -> Kit | None:
    """The kit, if it is installed and copied from the current engine's image as declared now."""
    kit = Kit(KIT_DIR / "bin", KIT_DIR / "cli-plugins")
    if not (kit.docker.exists() and (kit.plugins_dir / "docker-buildx").exists()
            and (kit.plugins_dir / "docker-compose").exists()):
        return None
    try:
        if (KIT_DIR / STAMP).read_text().strip() != _source()[1]:
            return None
    except OSError:
        return None
    return kit


def ensure_kit(engine: Engine, log=print) -> Kit:
    """The kit, copied out of the current engine's image (built first if need be)."""
    from .machines import ensure_engine_image

    kit = find_kit()
    if kit:
        return kit
    image = ensure_engine_image(engine, Role.CURRENT, log)
    ref, digest = _source()
    partial = KIT_DIR.with_name("kit.partial")
    shutil.rmtree(partial, ignore_errors=True)
    log(f"provision: copying the docker CLI, buildx and Compose of {image.ref} into {KIT_DIR}")
    name = f"docker-kb-kit-{uuid.uuid4().hex[:8]}"
    try:
        proc.run(["docker", "create", "--name", name, ref, "true"])
        for folder, files in FILES.items():
            (partial / folder).mkdir(parents=True, exist_ok=True)
            for path in files:
                proc.run(["docker", "cp", f"{name}:{path}", str(partial / folder / Path(path).name)])
    except proc.CommandFailed as err:
        shutil.rmtree(partial, ignore_errors=True)
        raise ProvisionError(f"could not copy the docker CLI kit out of {ref}: {err}") from None
    finally:
        proc.succeeds(["docker", "rm", "-f", name])
    (partial / STAMP).write_text(digest + "\n")
    for path in partial.rglob("*"):
        path.chmod(0o755)
    shutil.rmtree(KIT_DIR, ignore_errors=True)
    partial.rename(KIT_DIR)
    KIT_DIR.chmod(0o755)
    kit = find_kit()
    if kit is None or not proc.succeeds([str(kit.docker), "--version"]):
        raise ProvisionError(f"the docker CLI kit in {KIT_DIR} does not run on this machine")
    return kit
