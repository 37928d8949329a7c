"""Make every catalogue image present on the engine: pull it, or build it offline.

An image that is already present is reused. Otherwise it is pulled; if the pull
fails (no public registry reachable) the catalogue's offline recipe builds it from
Debian packages and, when the engine uses our local mirror, it is pushed there so
that `docker pull <name>` on a page works like it does with internet.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import docker
from docker.errors import APIError, ImageNotFound

from kbutil import proc

from .catalogue import Catalogue, CatalogueImage, load, record_version
from .engine import MIRROR_ADDR, Engine, ProvisionError

RECIPES_DIR = Path(__file__).with_name("recipes")
RECIPE_LABEL = "docker-kb.recipe"      # on images built from a recipe: the recipe's digest
DEBIAN_MIRROR = "http://deb.debian.org/debian"
TESTING = {"forky", "sid"}     # Debian's testing and unstable suites

# What the official -slim images leave out, and the apt settings they ship with.
SLIM_DPKG_EXCLUDES = """\
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
"""
CLEAN = "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"
APT_CLEAN = """\
DPkg::Post-Invoke { "{clean}"; };
APT::Update::Post-Invoke { "{clean}"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
"""
DEBIAN_SOURCES = """\
Types: deb
URIs: http://deb.debian.org/debian
Suites: {suite} {suite}-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: {suite}-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""


def run_logged(cmd: list[str], log, **kw) -> str:
    """Run a provisioning step, logged; a failure is a ProvisionError with the output's tail."""
    try:
        return proc.run(cmd, log=lambda line: log(f"provision: {line}"), **kw)
    except proc.CommandFailed as err:
        raise ProvisionError(str(err)) from None


def _import_rootfs(root: Path, ref: str, cmd: str, label: str, log) -> None:
    tar = subprocess.Popen(["tar", "-C", str(root), "--numeric-owner", "-c", "."], stdout=subprocess.PIPE)
    run_logged(["docker", "import", "--change", f"CMD {cmd}", "--change", f"LABEL {RECIPE_LABEL}={label}", "-", ref],
               log, stdin=tar.stdout)
    tar.wait()


def build_debian_slim(engine: Engine, image: CatalogueImage, log) -> None:
    base = debian_base(engine, image.suite, log)
    repository, tag = image.ref.rsplit(":", 1)
    engine.client.images.get(base).tag(repository, tag)


def _debootstrap_script(suite: str) -> list[str]:
    """The script argument for a suite newer than this machine's debootstrap knows (Debian 12's
    has no `forky`): the testing suites are bootstrapped like sid."""
    known = Path("/usr/share/debootstrap/scripts")
    return [] if (known / suite).exists() or not (known / "sid").exists() else [str(known / "sid")]


def debian_rootfs_image(suite: str, ref: str, log) -> None:
    """A minbase Debian root file system of `suite`, slimmed like the official -slim images, as image `ref`."""
    with tempfile.TemporaryDirectory(prefix="kb-debootstrap-") as tmp:
        root = Path(tmp) / "root"
        run_logged(["debootstrap", "--variant=minbase", suite, str(root), DEBIAN_MIRROR,
                    *_debootstrap_script(suite)], log)
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man",
                     "usr/share/info", "usr/share/locale", "var/log"):
            for child in (root / junk).glob("*"):
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                elif child.name not in ("lock", "partial"):
                    child.unlink()
        (root / "etc/dpkg/dpkg.cfg.d/docker-slim").write_text(SLIM_DPKG_EXCLUDES)
        (root / "etc/apt/apt.conf.d/docker-clean").write_text(APT_CLEAN.replace("{clean}", CLEAN))
        (root / "etc/apt/apt.conf.d/docker-no-languages").write_text('Acquire::Languages "none";\n')
        if suite in TESTING:
            # testing's Release files are valid for a week only: a mirror a little behind would stop apt
            (root / "etc/apt/apt.conf.d/docker-kb-valid-until").write_text('Acquire::Check-Valid-Until "false";\n')
        (root / "etc/apt/sources.list").unlink(missing_ok=True)
        (root / "etc/apt/sources.list.d/debian.sources").write_text(DEBIAN_SOURCES.format(suite=suite))
        for name in ("etc/hostname", "etc/resolv.conf", "etc/machine-id"):
            (root / name).write_text("")
        _import_rootfs(root, ref, '["bash"]', debootstrap_digest(suite), log)


def debian_base(engine: Engine, suite: str, log=print) -> str:
    """docker-kb/debian:<suite>, the base of the recipes: Debian's -slim image (here already, from
    the local mirror, or from Docker Hub), else one debootstrapped here. One per suite: the
    catalogue's debian:<suite>-slim is the same image."""
    ref = f"docker-kb/debian:{suite}"
    client = engine.client

    def usable(name: str) -> bool:
        try:
            label = (client.images.get(name).labels or {}).get(RECIPE_LABEL)
        except ImageNotFound:
            return False
        return label in (None, debootstrap_digest(suite))     # Docker Hub's, or debootstrapped as now

    slim = f"debian:{suite}-slim"
    if usable(ref):
        return ref
    if not usable(slim):
        try:
            log(f"provision: pulling {slim}")
            client.images.pull("debian", tag=f"{suite}-slim")
        except APIError:
            pass
    if usable(slim):
        client.images.get(slim).tag("docker-kb/debian", suite)
    else:
        debian_rootfs_image(suite, ref, log)
    return ref


def debootstrap_digest(suite: str) -> str:
    """What a debootstrapped image is labelled with: its suite and how it is slimmed."""
    h = hashlib.sha256(f"debootstrap {suite}".encode())
    for part in (SLIM_DPKG_EXCLUDES, APT_CLEAN, DEBIAN_SOURCES, str(suite in TESTING)):
        h.update(part.encode())
    return h.hexdigest()[:16]


COPIED = re.compile(r"^\s*(?:COPY|ADD)\s+(?!--from)(?:--\S+\s+)*(?P<files>.+?)\s+\S+\s*$", re.MULTILINE)


def recipe_digest(name: str, *build_args: str) -> str:
    """A digest of a recipe, its build arguments and the files beside it that it COPYs: an image
    built from an older recipe is built again (and only that recipe's images)."""
    text = (RECIPES_DIR / name).read_bytes()
    h = hashlib.sha256(text)
    for m in COPIED.finditer(text.decode()):
        for copied in sorted(m["files"].split()):
            h.update(copied.encode() + b"\0" + (RECIPES_DIR / copied).read_bytes())
    h.update("\0".join(build_args).encode())
    return h.hexdigest()[:16]


def build_recipe(ref: str, recipe: str, log, *build_args: str) -> None:
    """`docker build` of a recipe in provision/recipes (build_args: NAME=value), labelled with the
    recipe's digest."""
    args = [w for a in build_args for w in ("--build-arg", a)]
    run_logged(["docker", "build", "-q", "-t", ref, "--label", f"{RECIPE_LABEL}={recipe_digest(recipe, *build_args)}",
                *args, "-f", str(RECIPES_DIR / recipe), str(RECIPES_DIR)], log)


def from_current_recipe(found, recipe: str, *build_args: str) -> bool:
    """Whether an image was built from the recipe as it is now (its label holds the digest)."""
    return (found.labels or {}).get(RECIPE_LABEL) == recipe_digest(recipe, *build_args)


def _base_arg(image: CatalogueImage) -> str:
    return f"BASE=docker-kb/debian:{image.suite}"


def build_from_dockerfile(engine: Engine, image: CatalogueImage, log) -> None:
    debian_base(engine, image.suite, log)
    build_recipe(image.ref, image.argument, log, _base_arg(image))


BUILDERS = {"debootstrap": build_debian_slim, "dockerfile": build_from_dockerfile}


def _current_label(image: CatalogueImage) -> str:
    """The recipe label an offline build of the image has now."""
    if image.recipe == "debootstrap":
        return debootstrap_digest(image.suite)
    return recipe_digest(image.argument, _base_arg(image))


def _present(client: docker.DockerClient, image: CatalogueImage) -> bool:
    """The image is here, and (if it was built from a recipe: it has the label) from the current recipe.
    An image from Docker Hub has no such label; one of ours from an older recipe (also when pulled
    back from the local mirror) is built again."""
    try:
        found = client.images.get(image.ref)
    except ImageNotFound:
        return False
    label = (found.labels or {}).get(RECIPE_LABEL)
    return label is None or not image.recipe or label == _current_label(image)


def _in_mirror(image: CatalogueImage) -> bool:
    url = f"http://{MIRROR_ADDR}/v2/{image.mirror_path}/manifests/{image.tag}"
    req = urllib.request.Request(url, method="HEAD", headers={
        "Accept": "application/vnd.docker.distribution.manifest.v2+json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status == 200
    except OSError:
        return False


def _push_to_mirror(client: docker.DockerClient, image: CatalogueImage, log) -> None:
    target = f"{MIRROR_ADDR}/{image.mirror_path}:{image.tag}"
    run_logged(["docker", "tag", image.ref, target], log)
    try:
        run_logged(["docker", "push", "-q", target], log)
    finally:
        client.images.remove(target, noprune=True)  # drop the extra tag only


def ensure_images(engine: Engine, catalogue: Catalogue | None = None, log=print,
                  check_mirror: bool = True) -> dict[str, str]:
    """Make each catalogue image present; return how each was obtained.

    `check_mirror=False` skips making sure the local mirror has the images present
    (done once per run; after each page only a removed image needs putting back)."""
    catalogue = catalogue or load()
    client = engine.client
    how: dict[str, str] = {}
    for image in catalogue.images:  # in file order: recipes build FROM images above them
        if _present(client, image):
            how[image.ref] = "present"
        else:
            replaced = _own_image(client, image.ref)
            try:
                log(f"provision: pulling {image.ref}")
                client.images.pull(image.repository, tag=image.tag)
                if not _present(client, image):
                    raise APIError(f"the mirror's {image.ref} was built from an older recipe")
                how[image.ref] = "pulled"
            except APIError as err:
                if not image.recipe:
                    raise ProvisionError(f"{catalogue.path}: {image.ref} could not be pulled "
                                         f"({err.explanation or err}) and has no offline recipe") from None
                log(f"provision: pull of {image.ref} failed ({err.explanation or err}); "
                    f"building it offline ({image.recipe} {image.argument})".rstrip())
                BUILDERS[image.recipe](engine, image, log)
                how[image.ref] = "built offline"
            _forget(client, replaced, image.ref, log)
        if how[image.ref] != "present" and image.version_command:
            _record(client, image, catalogue, log)
        if engine.provisioned and (how[image.ref] == "built offline"
                                   or (check_mirror and how[image.ref] == "present" and not _in_mirror(image))):
            _push_to_mirror(client, image, log)
    if check_mirror:                 # once per run
        _sweep(client, catalogue, log)
    return how


def _own_image(client: docker.DockerClient, ref: str) -> str | None:
    """The ID of the image `ref` names now, if this project built it (it has the recipe label)."""
    try:
        found = client.images.get(ref)
    except ImageNotFound:
        return None
    return found.id if RECIPE_LABEL in (found.labels or {}) else None


def _forget(client: docker.DockerClient, old_id: str | None, ref: str, log) -> None:
    """Remove the image of ours that a new `ref` replaced (left without its name, a reader's
    `docker images busybox` would list it); one a container still uses stays."""
    if old_id is not None and _own_image(client, ref) != old_id:
        _remove_quietly(client, old_id, f"the {ref} it replaced", log)


def _remove_quietly(client: docker.DockerClient, image_id: str, what: str, log) -> None:
    """Remove an image of ours that nothing needs any more; one a container uses stays."""
    try:
        client.images.remove(image_id)
        log(f"provision: removed {what} ({image_id.removeprefix('sha256:')[:12]})")
    except APIError:
        pass


def _sweep(client: docker.DockerClient, catalogue: Catalogue, log) -> None:
    """Remove the images of ours that earlier rebuilds left without a tag: built from a recipe
    (labelled), named by nothing but digests of a catalogue image's own repository (a pull from
    the mirror gives one). A reader's `docker images busybox` would list them as `busybox:<none>`.
    An image someone built on top of ours has no such digest, and one a container uses stays."""
    owners = {prefix: image.repository for image in catalogue.images if image.recipe
              for prefix in (f"{image.repository}@", f"{MIRROR_ADDR}/{image.mirror_path}@")}

    def owner(digest: str) -> str | None:
        return next((repo for prefix, repo in owners.items() if digest.startswith(prefix)), None)

    for found in client.images.list(filters={"label": RECIPE_LABEL}):
        if found.attrs.get("RepoTags"):
            continue
        repos = {owner(digest) for digest in found.attrs.get("RepoDigests") or []}
        if len(repos) == 1 and None not in repos:
            _remove_quietly(client, found.id, f"an untagged {repos.pop()} left by an earlier build", log)


def image_version(client: docker.DockerClient, image: CatalogueImage) -> str:
    """The version of the image's main program, as its version command prints it in the image."""
    container = None
    try:
        container = client.containers.create(image.ref, ["-c", image.version_command], entrypoint="sh",
                                             network_disabled=True)
        container.start()
        container.wait(timeout=60)
        output = container.logs(stdout=True, stderr=True)
    except APIError as err:
        raise ProvisionError(f"{image.ref}: its version command failed: {err.explanation or err}") from None
    finally:
        if container is not None:
            container.remove(v=True, force=True)      # with the anonymous volumes its image declares
    return image.version_in(output.decode(errors="replace"))


def image_versions(client: docker.DockerClient, catalogue: Catalogue | None = None) -> dict[str, str]:
    """The version of each catalogue image's main program on this engine (of those that say how)."""
    return {image.ref: image_version(client, image) for image in (catalogue or load()).images
            if image.version_command}


def _record(client: docker.DockerClient, image: CatalogueImage, catalogue: Catalogue, log) -> None:
    """Record the version of an image just built or pulled in the catalogue (images.yml)."""
    version = image_version(client, image)
    if record_version(image, version, catalogue.path):
        log(f"provision: {image.ref} has version {version} (was {image.recorded or 'not recorded'}); "
            f"recorded in {catalogue.path.name}")
