"""Engine provisioning and the image catalogue."""

from __future__ import annotations

import pytest

from provision import prepare
from provision.catalogue import CatalogueError, load, normalize
from provision.images import ensure_images


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
    assert catalogue.names() == ["debian:trixie-slim", "busybox:latest", "nginx:latest", "registry:3"]
    assert "nginx" in catalogue and "docker.io/library/busybox" in catalogue and "ubuntu:24.04" not in catalogue


@pytest.mark.parametrize("text, words", [
    ("nginx:latest:\n  used_for: x\n", "needs an `offline:` recipe"),
    ("nginx:latest:\n  offline: magic\n", "unknown offline recipe 'magic'"),
    ("nginx:latest:\n  offline: dockerfile missing.Dockerfile\n", "does not exist"),
    ("debian:x:\n  offline: debootstrap\n", "needs an argument"),
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
