"""Which engines and builders each page runs with.

Every page runs once on the engine the tests found or provisioned, with its default
builder. When that engine is older than Docker Engine 23.0 (Debian 12 ships 20.10),
two more passes show the examples hold everywhere readers are:

- the pages that build images run again with the classic builder (DOCKER_BUILDKIT=0),
  which such an engine still has as its own;
- every page runs again on a current engine (provision/current_engine.py), when this
  machine can start one.

On a current engine (Docker Desktop, GitHub's runners) the first pass is all there is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .directives import WAITS
from .page import ActionBlock, ConsoleBlock, Page, command_words

CURRENT_MAJOR = 23   # BuildKit became the default builder with Docker Engine 23.0


@dataclass(frozen=True)
class Pass:
    suffix: str        # appended to the page's name in test ids
    engine: str        # "host" (found or provisioned) | "current" (started beside it)
    builder: str       # "default" (the engine's own) | "classic" (DOCKER_BUILDKIT=0)


DEFAULT = Pass("", "host", "default")
CLASSIC_ONLY = Pass("", "host", "classic")
CLASSIC = Pass(" (classic builder)", "host", "classic")
CURRENT = Pass(" (current engine)", "current", "default")


def builds_images(page: Page) -> bool:
    """Whether a page runs `docker build`, so its outputs could depend on the builder."""
    return any(words[:2] == ["docker", "build"] or words[:3] in (["docker", "image", "build"],
                                                                 ["docker", "buildx", "build"])
               for block in page.blocks if isinstance(block, ConsoleBlock)
               for cmd in block.commands for words in command_words(cmd.text))


def is_old(version: str | None) -> bool:
    major = (version or "").split(".")[0]
    return major.isdigit() and int(major) < CURRENT_MAJOR


def first_pass(builder_option: str) -> Pass:
    return CLASSIC_ONLY if builder_option == "classic" else DEFAULT


def extra_passes(page: Page, builder_option: str, current_option: str, old_engine: bool,
                 can_start_current: bool) -> list[Pass]:
    passes = []
    if builder_option == "auto" and old_engine and builds_images(page):
        passes.append(CLASSIC)
    if current_option == "on" or (current_option == "auto" and old_engine and can_start_current):
        passes.append(CURRENT)
    return passes


PUBLISH = re.compile(r"(?:^|\s)(?:-p|--publish)[= ]?(?:[\d.]+:)?(\d+):\d+")
LOCAL_URL = re.compile(r"(?:localhost|127\.0\.0\.1):(\d+)")


def published_ports(pages: list[Page]) -> list[int]:
    """The host ports pages publish or wait for: a current engine started beside the
    provisioned one must forward them, so the page reaches its containers as usual."""
    ports = set()
    for page in pages:
        for block in page.blocks:
            if isinstance(block, ConsoleBlock):
                for cmd in block.commands:
                    ports.update(int(p) for p in PUBLISH.findall(cmd.text))
            elif isinstance(block, ActionBlock) and block.directive.name in WAITS:
                d = block.directive
                if d.name == "wait-port":
                    ports.add(int(d.args[0]))
                ports.update(int(p) for p in LOCAL_URL.findall(" ".join(d.args)))
    return sorted(p for p in ports if p != 2375)
