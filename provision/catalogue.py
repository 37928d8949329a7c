"""The image catalogue (provision/images.yml): which images the docs may use, how to build
each one offline, and the version of its main program recorded when it was last built."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from docker.utils import parse_repository_tag

from kbutil.files import write_atomically

CATALOGUE_FILE = Path(__file__).with_name("images.yml")
RECIPES = ("debootstrap", "dockerfile")
VERSION = re.compile(r"\d+(?:\.\d+)+")      # the first dotted number a version command prints


class CatalogueError(ValueError):
    pass


def normalize(ref: str) -> str:
    """Canonical `name:tag` for an image reference as Docker Hub resolves it.

    `nginx`, `library/nginx`, `docker.io/library/nginx:latest` all become `nginx:latest`.
    A digest reference keeps its digest (`nginx@sha256:...`).
    """
    repo, tag = parse_repository_tag(ref)
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if repo.startswith(prefix):
            repo = repo[len(prefix):]
    if repo.startswith("library/"):
        repo = repo[len("library/"):]
    if tag and tag.startswith("sha256:"):
        return f"{repo}@{tag}"
    return f"{repo}:{tag or 'latest'}"


@dataclass(frozen=True)
class CatalogueImage:
    ref: str            # canonical name:tag
    used_for: str
    recipe: str         # one of RECIPES, or "" (an image of another list of images: pulled only)
    argument: str       # the Dockerfile's name, or ""
    suite: str = ""     # the Debian suite its packages come from
    version_command: str = ""
    recorded: str = ""  # the version the command printed when the image was last built or pulled here

    def version_in(self, output: str) -> str:
        """The version in what the version command printed ("" if none)."""
        m = VERSION.search(output)
        return m.group(0) if m else ""

    @property
    def repository(self) -> str:
        return self.ref.rsplit(":", 1)[0]

    @property
    def tag(self) -> str:
        return self.ref.rsplit(":", 1)[1]

    @property
    def mirror_path(self) -> str:
        """The repository path Docker Hub (and so a registry mirror) serves it under."""
        return self.repository if "/" in self.repository else f"library/{self.repository}"


@dataclass(frozen=True)
class Catalogue:
    images: tuple[CatalogueImage, ...]
    path: Path = CATALOGUE_FILE

    def __contains__(self, ref: str) -> bool:
        return self.get(ref) is not None

    def get(self, ref: str) -> CatalogueImage | None:
        canonical = normalize(ref)
        if "@" in canonical:  # a digest pins one of the catalogue's repositories
            repo = canonical.split("@")[0]
            return next((i for i in self.images if i.repository == repo), None)
        return next((i for i in self.images if i.ref == canonical), None)

    def names(self) -> list[str]:
        return [i.ref for i in self.images]


def load(path: Path = CATALOGUE_FILE, adopted: bool = False) -> Catalogue:
    """The project's catalogue (every image with an offline recipe, its Debian suite and version
    command), or (`adopted`) the list of images of someone else's docs (`--images`), where those
    are optional: an image without an offline recipe can only be pulled."""
    own = not adopted
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except OSError as err:
        raise CatalogueError(f"{path}: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise CatalogueError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(raw, dict):
        raise CatalogueError(f"{path}: expected a mapping of image names")
    images = []
    for name, written in raw.items():
        where = f"{path}: image {name!r}"
        entry = written if isinstance(written, dict) else {} if written is None else None
        if entry is None or (own and "offline" not in entry):
            raise CatalogueError(f"{where}: needs an `offline:` recipe")
        recipe, _, argument = str(entry.get("offline") or "").partition(" ")
        if recipe and recipe not in RECIPES:
            raise CatalogueError(f"{where}: unknown offline recipe {recipe!r} (known: {', '.join(RECIPES)})")
        if recipe and not entry.get("suite"):
            raise CatalogueError(f"{where}: needs the `suite:` of Debian its packages come from")
        if recipe == "dockerfile" and not argument:
            raise CatalogueError(f"{where}: `dockerfile` needs the recipe's file name")
        if recipe == "dockerfile" and not (path.parent / "recipes" / argument).is_file():
            raise CatalogueError(f"{where}: recipe file {path.parent.name}/recipes/{argument} does not exist")
        version = entry.get("version") or {}
        if not isinstance(version, dict) or (own and not version.get("command")):
            raise CatalogueError(f"{where}: needs `version: {{command: ...}}`, the command that prints its version")
        images.append(CatalogueImage(normalize(name), str(entry.get("used_for", "")), recipe, argument,
                                     str(entry.get("suite") or ""), str(version.get("command") or ""),
                                     str(version.get("recorded") or "")))
    return Catalogue(tuple(images), path)


def record_version(image: CatalogueImage, version: str, path: Path = CATALOGUE_FILE) -> bool:
    """Write `recorded: "<version>"` into the image's entry, keeping the file's comments; True if it changed."""
    if version == image.recorded:
        return False
    lines = path.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines)
                 if line.strip() and not line[:1].isspace() and not line.startswith("#")
                 and _entry_ref(line) == image.ref)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() and not lines[i][:1].isspace()),
               len(lines))
    for i in range(start, end):
        if re.match(r"^\s+recorded:", lines[i]):
            indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
            lines[i] = f'{indent}recorded: "{version}"\n'
            break
    else:
        command = next(i for i in range(start, end) if re.match(r"^\s+command:", lines[i]))
        indent = lines[command][:len(lines[command]) - len(lines[command].lstrip())]
        lines.insert(command + 1, f'{indent}recorded: "{version}"\n')
    write_atomically(path, "".join(lines))
    return True


def _entry_ref(line: str) -> str:
    """The image an unindented `name:tag:` line of the catalogue starts."""
    return normalize(line.rstrip().removesuffix(":"))
