"""Which images a page uses, checked against the catalogue before anything runs.

A page may use catalogue images (provision/images.yml) and images it makes itself
(`docker build -t`, `docker commit`, `docker tag`), or pulls back from a registry
on localhost that it runs itself. `docker run/create/pull` and Dockerfile `FROM`
lines are read; a reference that uses a shell variable can't be checked and is left
to the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from provision.catalogue import Catalogue, normalize

from .page import ConsoleBlock, FileBlock, Page, PageError, command_words

RUN_BOOLEAN = {"-d", "--detach", "-i", "--interactive", "-t", "--tty", "-q", "--quiet", "-P", "--publish-all",
               "--rm", "--init", "--privileged", "--read-only", "--no-healthcheck", "--oom-kill-disable",
               "--disable-content-trust", "--sig-proxy", "--help", "--use-api-socket"}
PULL_BOOLEAN = {"-a", "--all-tags", "-q", "--quiet", "--disable-content-trust"}
COMMIT_BOOLEAN = {"-p", "--pause"}
FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(?P<image>\S+)(?:\s+AS\s+(?P<stage>\S+))?", re.I | re.M)


@dataclass
class Use:
    ref: str
    line: int


def _operands(args: list[str], boolean: set[str]) -> list[str]:
    """The non-option words of a docker subcommand, given which of its options take no value."""
    shorts = {f[1] for f in boolean if len(f) == 2}
    operands, i = [], 0
    while i < len(args):
        a = args[i]
        if a == "--":
            return operands + args[i + 1:]
        if not a.startswith("-") or a == "-":
            operands.append(a)
            i += 1
        elif a.startswith("--"):
            i += 1 if ("=" in a or a in boolean) else 2
        elif set(a[1:]) <= shorts:
            i += 1                              # -it, -d, -dit
        else:
            flag = next(c for c in a[1:] if c not in shorts)
            attached = a[a.index(flag) + 1:]
            i += 1 if attached else 2           # -p8080:80 or -p 8080:80
    return operands


def _subcommand(words: list[str]) -> tuple[str, list[str]] | None:
    if not words or words[0] != "docker":
        return None
    rest = words[1:]
    while rest and rest[0].startswith("-"):     # docker -H host run ...
        rest = rest[1:] if "=" in rest[0] or rest[0] in ("-D", "--debug") else rest[2:]
    if len(rest) >= 2 and rest[0] in ("container", "image"):
        rest = rest[1:]
    return (rest[0], rest[1:]) if rest else None


def _tags_after(args: list[str], flags: tuple[str, ...]) -> list[str]:
    tags = []
    for i, a in enumerate(args):
        for f in flags:
            if a == f and i + 1 < len(args):
                tags.append(args[i + 1])
            elif a.startswith(f + "="):
                tags.append(a.split("=", 1)[1])
    return tags


def _is_local_registry(ref: str) -> bool:
    host = ref.split("/", 1)[0] if "/" in ref else ""
    return host.split(":")[0] in ("localhost", "127.0.0.1")


def check(page: Page, catalogue: Catalogue) -> None:
    """Raise PageError at the first image the page uses that is neither catalogued nor its own."""
    own: set[str] = set()

    def allowed(ref: str) -> bool:
        if "$" in ref or ref == "scratch" or _is_local_registry(ref):
            return True
        return ref in catalogue or normalize(ref) in own

    def require(ref: str, line: int, what: str) -> None:
        if not allowed(ref):
            raise PageError(page.display, line, f"{what} uses image {ref!r}, which is not in the image catalogue "
                                                f"({catalogue.path.name}: {', '.join(catalogue.names())}). "
                                                "Add it to provision/images.yml with an offline recipe, "
                                                "or build it on the page.")

    for block in page.blocks:
        if isinstance(block, FileBlock):
            stages = set()
            for m in FROM.finditer(block.content):
                line = block.line + 1 + block.content[:m.start()].count("\n")
                if m["image"].lower() not in stages:
                    require(m["image"], line, f"{block.filename}: FROM")
                if m["stage"]:
                    stages.add(m["stage"].lower())
            continue
        if not isinstance(block, ConsoleBlock):
            continue
        for cmd in block.commands:
            line = block.line if block.snippet else block.origin.line_of(cmd.line)
            for words in command_words(cmd.text):
                sub = _subcommand(words)
                if not sub:
                    continue
                name, args = sub
                if name in ("run", "create", "pull"):
                    operands = _operands(args, PULL_BOOLEAN if name == "pull" else RUN_BOOLEAN)
                    if operands:
                        require(operands[0], line, f"`docker {name}`")
                elif name == "build":
                    own.update(normalize(t) for t in _tags_after(args, ("-t", "--tag")))
                elif name == "commit":
                    operands = _operands(args, COMMIT_BOOLEAN)
                    if len(operands) >= 2:
                        own.add(normalize(operands[1]))
                elif name == "tag":
                    operands = _operands(args, set())
                    if len(operands) >= 2:
                        require(operands[0], line, "`docker tag`")
                        own.add(normalize(operands[1]))
