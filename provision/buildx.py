"""Give the docker CLI the buildx plugin, so builds use BuildKit as on a current engine.

Debian 12's docker.io (20.10) comes without buildx, so `docker build` falls back
to the deprecated classic builder, while every current engine (Docker Desktop,
GitHub's runners) builds with BuildKit. Debian 13 packages buildx; we install that
package in a throwaway debian:trixie-slim container and copy its plugin binary
out, to /usr/local/lib/docker/cli-plugins where the CLI looks for plugins.
The classic builder stays one variable away: DOCKER_BUILDKIT=0.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .engine import ProvisionError

PLUGIN_DIR = Path("/usr/local/lib/docker/cli-plugins")
SOURCE_IMAGE = "debian:trixie-slim"


def has_buildx() -> bool:
    return subprocess.run(["docker", "buildx", "version"], capture_output=True).returncode == 0


def ensure_buildx(log=print) -> str:
    """Install the plugin if the CLI lacks it; return the buildx version line."""
    if not has_buildx():
        PLUGIN_DIR.mkdir(parents=True, exist_ok=True)
        log(f"provision: installing the buildx CLI plugin from Debian's docker-buildx into {PLUGIN_DIR}")
        script = ("apt-get update -qq && apt-get install -y -qq --no-install-recommends docker-buildx >/dev/null"
                  " && cp /usr/libexec/docker/cli-plugins/docker-buildx /out/")
        done = subprocess.run(["docker", "run", "--rm", "-v", f"{PLUGIN_DIR}:/out", SOURCE_IMAGE, "sh", "-c", script],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0 or not has_buildx():
            raise ProvisionError(f"could not install buildx:\n{done.stdout[-2000:]}")
    return subprocess.run(["docker", "buildx", "version"], capture_output=True, text=True).stdout.strip()
