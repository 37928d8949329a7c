"""A page may only use the images the catalogue declares (provision/images.yml) and the
images it makes itself (`docker build -t`, `docker commit`, `docker tag`), or pulls back
from a registry on localhost that it runs itself. Checked before anything runs; a
reference that uses a shell variable can't be checked and is left to the engine.
"""

from __future__ import annotations

from docmodel.errors import SourceError, SourceErrors
from docmodel.page import Page
from provision.catalogue import Catalogue, normalize

from .paths import shown


def _is_local_registry(ref: str) -> bool:
    host = ref.split("/", 1)[0] if "/" in ref else ""
    return host.split(":")[0] in ("localhost", "127.0.0.1")


def check(page: Page, catalogue: Catalogue) -> None:
    """Raise SourceError(s) for every image the page uses that is neither catalogued nor its own."""
    own: set[str] = set()
    errors = []
    for block in page.blocks:
        for use in block.images():
            ref = use.ref
            if use.made:
                if "$" not in ref:
                    own.add(normalize(ref))
                continue
            if "$" in ref or ref == "scratch" or _is_local_registry(ref) or ref in catalogue \
                    or normalize(ref) in own:
                continue
            errors.append(SourceError(page.display, use.line, (
                f"{use.what} uses image {ref!r}, which is not in the image catalogue "
                f"({catalogue.path.name}: {', '.join(catalogue.names())}). Add it to {shown(catalogue.path)} "
                "(with an offline recipe, for it to work without Docker Hub), or build it on the page.")))
    if errors:
        raise SourceErrors.of(errors)


def catalogue_images(page: Page, catalogue: Catalogue) -> list[str]:
    """The catalogue images a page uses (for the --changed key: their IDs)."""
    found = []
    for block in page.blocks:
        for use in block.images():
            image = catalogue.get(use.ref) if "$" not in use.ref and not use.made else None
            if image and image.ref not in found:
                found.append(image.ref)
    return found
