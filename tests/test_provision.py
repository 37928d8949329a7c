"""Engine provisioning and the image catalogue."""

from __future__ import annotations

import urllib.request

import pytest
from docker.errors import ImageNotFound

from provision import checked_on, prepare
from provision.catalogue import CatalogueError, load, normalize, record_version
from provision.engine import MIRROR_ADDR
from provision.images import RECIPE_LABEL, ensure_images, image_versions
from provision.kit import find_kit


@pytest.mark.parametrize("ref, canonical", [
    ("nginx", "nginx:latest"),
    ("library/nginx", "nginx:latest"),
    ("docker.io/library/nginx:1.27", "nginx:1.27"),
    ("registry:3", "registry:3"),
    ("localhost:5050/wiki:1.0", "localhost:5050/wiki:1.0"),
    ("busybox@sha256:" + "a" * 64, "busybox@sha256:" + "a" * 64),
])
def test_references_are_compared_as_docker_hub_resolves_them(ref, canonical):
    assert normalize(ref) == canonical


def test_the_catalogue_declares_each_image_once_with_an_offline_recipe():
    catalogue = load()
    assert catalogue.names()[:4] == ["debian:trixie-slim", "busybox:latest", "nginx:latest", "registry:3"]
    assert len(set(catalogue.names())) == len(catalogue.names())
    assert all(i.recipe and i.suite and i.version_command for i in catalogue.images)
    assert "nginx" in catalogue and "docker.io/library/busybox" in catalogue and "ubuntu:24.04" not in catalogue


VERSION = "  version: {command: nginx -v}\n"


@pytest.mark.parametrize("text, words", [
    ("nginx:latest:\n  used_for: x\n", "needs an `offline:` recipe"),
    ("nginx:latest:\n  offline: magic\n", "unknown offline recipe 'magic'"),
    ("nginx:latest:\n  offline: dockerfile missing.Dockerfile\n  suite: forky\n" + VERSION, "does not exist"),
    ("debian:x:\n  offline: debootstrap\n" + VERSION, "needs the `suite:` of Debian"),
    ("nginx:latest:\n  offline: dockerfile\n  suite: forky\n" + VERSION, "needs the recipe's file name"),
    ("debian:x:\n  offline: debootstrap\n  suite: trixie\n", "needs `version: {command: ...}`"),
    ("debian:x:\n  offline: [debootstrap\n", "not valid YAML"),
])
def test_a_bad_catalogue_says_which_image(tmp_path, text, words):
    path = tmp_path / "images.yml"
    path.write_text(text)
    with pytest.raises(CatalogueError) as err:
        load(path)
    assert str(path) in str(err.value) and words in str(err.value)


def test_images_already_present_are_reused():
    engine = prepare(log=lambda line: None)
    how = ensure_images(engine, log=lambda line: None)
    assert set(how.values()) == {"present"}, how
    info = engine.client.version()
    assert engine.version == info["Version"] and engine.label.startswith("Docker Engine ")


def test_recording_a_version_rewrites_only_that_line(tmp_path):
    (tmp_path / "recipes").mkdir()
    (tmp_path / "recipes" / "nginx.Dockerfile").write_text("FROM scratch\n")
    path = tmp_path / "images.yml"
    text = ("# the catalogue\nnginx:latest:\n  offline: dockerfile nginx.Dockerfile\n  suite: forky  # near Hub\n"
            "  version:\n    command: nginx -v 2>&1\n    recorded: \"1.26.3\"\n\nbusybox:latest:\n"
            "  offline: debootstrap\n  suite: trixie\n  version:\n    command: busybox\n")
    path.write_text(text)
    nginx, busybox = load(path).images
    assert nginx.version_in("nginx version: nginx/1.30.6") == "1.30.6"
    assert record_version(nginx, "1.30.6", path) and not record_version(load(path).images[0], "1.30.6", path)
    assert record_version(busybox, "1.37.0", path)
    assert path.read_text() == text.replace('"1.26.3"', '"1.30.6"') + '    recorded: "1.37.0"\n'
    assert [i.recorded for i in load(path).images] == ["1.30.6", "1.37.0"]


def test_an_untagged_image_an_earlier_build_left_is_removed_once_per_run(tmp_path):
    """A rebuilt busybox leaves the old one named only by a digest (busybox:<none> in a reader's
    `docker images busybox`); provisioning removes it. An untagged image built on top of ours,
    with no such digest, is someone else's and stays."""
    engine = prepare(log=lambda line: None)
    client, mirror = engine.client, f"{MIRROR_ADDR}/library/busybox"
    if not engine.provisioned:
        pytest.skip("needs the local registry mirror this project provisions")
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM busybox\nLABEL {RECIPE_LABEL}=older\nRUN echo {tmp_path.name} > /built\n")
    left, _ = client.images.build(path=str(tmp_path), tag=f"{mirror}:kb-sweep-test", forcerm=True)
    dockerfile.write_text(f"FROM busybox\nRUN echo {tmp_path.name} > /mine\n")
    mine, _ = client.images.build(path=str(tmp_path), forcerm=True)
    pushed = ""
    try:
        client.images.push(mirror, tag="kb-sweep-test")
        pushed = client.images.get(left.id).attrs["RepoDigests"][0].split("@")[1]
        client.images.get("busybox").tag(mirror, "kb-sweep-test")    # the tag moves on, as a rebuild moves it
        client.images.remove(f"{mirror}:kb-sweep-test", noprune=True)
        assert client.images.get(left.id).attrs["RepoDigests"] and not client.images.get(left.id).tags
        lines = []
        ensure_images(engine, log=lines.append)
        with pytest.raises(ImageNotFound):
            client.images.get(left.id)
        assert any(left.short_id.removeprefix("sha256:") in line for line in lines), lines
        assert client.images.get(mine.id).id == mine.id
    finally:
        for image in (left, mine):
            try:
                client.images.remove(image.id, force=True)
            except ImageNotFound:
                pass
        if pushed:                                           # the mirror forgets the test's tag
            urllib.request.urlopen(urllib.request.Request(
                f"http://{MIRROR_ADDR}/v2/library/busybox/manifests/{pushed}", method="DELETE"), timeout=10)


def test_the_images_on_the_engine_are_the_recorded_versions():
    """provision/images.yml records each image's version when it is built or pulled; the pages'
    notes name them. Here the images the engine has are checked against the record."""
    engine = prepare(log=lambda line: None)
    catalogue = load()
    found = image_versions(engine.client, catalogue)
    assert found == {i.ref: i.recorded for i in catalogue.images}, "run ./kb provision and commit images.yml"
    if engine.provisioned:                     # offline images stand for Docker Hub's current ones
        major, minor = (int(n) for n in found["nginx:latest"].split(".")[:2])
        assert (major, minor) >= (1, 30), found


def test_the_declared_engines_are_the_ones_installed():
    declared = checked_on.load()
    engine = prepare(log=lambda line: None)
    if not engine.provisioned:
        pytest.skip("the engine here was not provisioned by the tests")
    assert engine.version.startswith(declared.provisioned.version + "."), engine.version
    kit = find_kit()
    assert kit is not None
    from kbutil.proc import run
    client = run([str(kit.docker), "version", "--format", "{{.Client.Version}}"]).strip()
    assert client.startswith(declared.current.version + "."), client       # the kit is the current CLI


def test_a_bad_declaration_says_what_is_missing(tmp_path):
    path = tmp_path / "engines.yml"
    path.write_text("provisioned: {name: x}\ncurrent: {}\nkit: {suite: forky, packages: [docker-cli]}\n")
    with pytest.raises(checked_on.DeclarationError) as err:
        checked_on.load(path)
    assert str(path) in str(err.value) and "`provisioned` needs suite, version, packages" in str(err.value)


def test_someone_else_s_list_of_images_may_leave_out_the_offline_recipe(tmp_path):
    path = tmp_path / "images.yml"
    path.write_text("smallish:1:\n  used_for: x\nother:2:\n")
    images = load(path, adopted=True).images
    assert [(i.ref, i.recipe) for i in images] == [("smallish:1", ""), ("other:2", "")]
    with pytest.raises(CatalogueError, match="needs an `offline:` recipe"):
        load(path)                                         # the project's own catalogue may not


def test_a_recipe_is_built_again_when_it_or_a_file_it_copies_changes_and_only_then(tmp_path, monkeypatch):
    from provision import images
    monkeypatch.setattr(images, "RECIPES_DIR", tmp_path)
    (tmp_path / "a.Dockerfile").write_text("FROM x\nCOPY a.conf b.sh /etc/\nCOPY --from=y /r /\n")
    (tmp_path / "a.conf").write_text("one")
    (tmp_path / "b.sh").write_text("two")
    (tmp_path / "other.conf").write_text("three")
    first = images.recipe_digest("a.Dockerfile", "BASE=x")
    (tmp_path / "other.conf").write_text("changed")              # not the recipe's: nothing to rebuild
    assert images.recipe_digest("a.Dockerfile", "BASE=x") == first
    (tmp_path / "b.sh").write_text("changed")
    assert images.recipe_digest("a.Dockerfile", "BASE=x") != first
    assert images.recipe_digest("a.Dockerfile", "BASE=y") != images.recipe_digest("a.Dockerfile", "BASE=x")
