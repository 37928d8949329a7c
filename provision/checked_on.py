"""The engines and builders the docs are checked on (provision/engines.yml), read once.

Importable without the Docker SDK (the site's macros read it to say where the examples are
checked): it needs only PyYAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml

ENGINES_FILE = Path(__file__).with_name("engines.yml")


class Builder(StrEnum):
    """A builder the examples are checked with; the value is how reports and notes name it."""
    BUILDKIT = "BuildKit"
    CLASSIC = "classic builder"


class Role(StrEnum):
    """Which engine an engine is: one declared here, or the engine of a machine the tests found."""
    PROVISIONED = "provisioned"
    CURRENT = "current"
    HOST = "host"
CURRENT_MAJOR = 23   # BuildKit became the default builder with Docker Engine 23.0


def is_old(version: str | None) -> bool:
    """An engine older than 23.0: the classic builder is still its own, and it is not a current engine."""
    major = (version or "").split(".")[0]
    return major.isdigit() and int(major) < CURRENT_MAJOR


class DeclarationError(ValueError):
    pass


@dataclass(frozen=True)
class DeclaredEngine:
    role: Role
    name: str                    # e.g. "Docker Engine"
    suite: str                   # the Debian suite its packages come from
    version: str                 # major.minor, e.g. "28.5"
    packages: tuple[str, ...]
    image_store: str             # overlay2 | containerd
    builders: tuple[Builder, ...]

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def containerd_store(self) -> bool:
        return self.image_store == "containerd"


@dataclass(frozen=True)
class Declared:
    provisioned: DeclaredEngine
    current: DeclaredEngine

    @property
    def engines(self) -> tuple[DeclaredEngine, ...]:
        return self.provisioned, self.current


def _engine(raw: dict, role: Role, path: Path) -> DeclaredEngine:
    entry = raw.get(role.value)
    where = f"{path}: `{role.value}`"
    if not isinstance(entry, dict):
        raise DeclarationError(f"{where} is missing")
    missing = [k for k in ("name", "suite", "version", "packages", "image_store", "builders") if not entry.get(k)]
    if missing:
        raise DeclarationError(f"{where} needs {', '.join(missing)}")
    known = [b.value for b in Builder]
    unknown = [b for b in entry["builders"] if b not in known]
    if unknown:
        raise DeclarationError(f"{where}: unknown builders {unknown} (known: {', '.join(known)})")
    if entry["image_store"] not in ("overlay2", "containerd"):
        raise DeclarationError(f"{where}: image_store is overlay2 or containerd")
    return DeclaredEngine(role, str(entry["name"]), str(entry["suite"]), str(entry["version"]),
                          tuple(entry["packages"]), str(entry["image_store"]),
                          tuple(Builder(b) for b in entry["builders"]))


def load(path: Path = ENGINES_FILE) -> Declared:
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as err:
        raise DeclarationError(f"{path}: {err}") from None
    if not isinstance(raw, dict):
        raise DeclarationError(f"{path}: expected `provisioned` and `current`")
    return Declared(_engine(raw, Role.PROVISIONED, path), _engine(raw, Role.CURRENT, path))
