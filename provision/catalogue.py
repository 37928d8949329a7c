"""The image catalogue (provision/images.yml): which images the docs may use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from docker.utils import parse_repository_tag

CATALOGUE_FILE = Path(__file__).with_name("images.yml")
RECIPES = ("debootstrap", "busybox-static", "dockerfile")


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
    recipe: str         # one of RECIPES
    argument: str       # suite, Dockerfile name, or ""

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


def load(path: Path = CATALOGUE_FILE) -> Catalogue:
    raw = yaml.safe_load(path.read_text()) or {}
    if not isinstance(raw, dict):
        raise CatalogueError(f"{path}: expected a mapping of image names")
    images = []
    for name, entry in raw.items():
        where = f"{path}: image {name!r}"
        if not isinstance(entry, dict) or "offline" not in entry:
            raise CatalogueError(f"{where}: needs an `offline:` recipe")
        recipe, _, argument = str(entry["offline"]).partition(" ")
        if recipe not in RECIPES:
            raise CatalogueError(f"{where}: unknown offline recipe {recipe!r} (known: {', '.join(RECIPES)})")
        if recipe in ("debootstrap", "dockerfile") and not argument:
            raise CatalogueError(f"{where}: `{recipe}` needs an argument")
        if recipe == "dockerfile" and not (path.parent / "recipes" / argument).is_file():
            raise CatalogueError(f"{where}: recipe file provision/recipes/{argument} does not exist")
        images.append(CatalogueImage(normalize(name), str(entry.get("used_for", "")), recipe, argument))
    return Catalogue(tuple(images), path)
