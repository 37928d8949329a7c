"""Hidden directives for the runner, written as HTML comments readers never see.

Modifiers apply to the code block (or snippet) directly below them:

    <!-- docrun: illustrative reason="pseudo-code: the steps of TDD" -->
    <!-- docrun: skip reason="needs 4 GB of RAM" -->
    <!-- docrun: exit 1 -->              every command in the block exits with 1
    <!-- docrun: timeout 600 -->         the block may take up to 600 s
    <!-- docrun: isolated reason="prunes images" -->
                                         the block acts on objects the page did not create
                                         (prunes, `rm -f $(docker ps -aq)`, --privileged, the
                                         Docker socket, host-root mounts): the whole page runs
                                         on an engine of its own
    <!-- docrun: buildkit-only reason="RUN --mount needs BuildKit" -->
                                         the block needs BuildKit: the page skips the
                                         classic-builder pass
    <!-- docrun: any-order reason="BuildKit prints parallel steps as they go" -->
                                         each command's output may come in another order:
                                         every expected line must still match its own line
    <!-- docrun: root-only reason="sudo -u nobody needs root" -->
                                         the block runs where the page's shell is root (the
                                         tests run as root) and is skipped, with the reason,
                                         for an ordinary user

Actions run where they stand, between blocks:

    <!-- docrun: setup
    docker volume create demo-data
    -->
    <!-- docrun: wait-http http://localhost:8080/ [status=200] [timeout=60] -->
    <!-- docrun: wait-port 5050 [timeout=60] -->
    <!-- docrun: wait-log web "ready for start up" [timeout=60] -->
    <!-- docrun: wait-healthy web [timeout=60] -->

Directives are part of the page's structure, not its prose: the translated page
carries them unchanged (tests/test_parity.py checks).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

COMMENT = re.compile(r"^\s*<!--\s*docrun:(?P<body>.*?)-->\s*$", re.DOTALL)
MENTION = re.compile(r"<!--\s*docrun\b")

MODIFIERS = {"illustrative", "skip", "exit", "timeout", "isolated", "buildkit-only", "any-order", "root-only"}
NEEDS_REASON = {"illustrative", "skip", "isolated", "buildkit-only", "any-order", "root-only"}
WAITS = {"wait-http", "wait-port", "wait-log", "wait-healthy"}
ACTIONS = {"setup"} | WAITS
DEFAULT_WAIT = 60.0


class DirectiveError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line          # 0-based offset inside the comment
        self.message = message


@dataclass
class Directive:
    name: str
    args: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    script: str = ""              # the lines after the first one (setup)
    text: str = ""                # the comment as written

    @property
    def is_modifier(self) -> bool:
        return self.name in MODIFIERS

    @property
    def timeout(self) -> float:
        return float(self.options.get("timeout", DEFAULT_WAIT))


def is_directive(html: str) -> bool:
    return bool(MENTION.search(html))


def _number(value: str, what: str, cast=int):
    try:
        number = cast(value)
    except ValueError:
        raise DirectiveError(0, f"{what} must be a number, not {value!r}") from None
    if number < 0:
        raise DirectiveError(0, f"{what} must not be negative")
    return number


def parse(html: str) -> Directive:
    m = COMMENT.match(html)
    if not m:
        raise DirectiveError(0, "a docrun directive is one HTML comment: <!-- docrun: NAME ... -->")
    first, _, script = m["body"].strip("\n").partition("\n")
    try:
        words = shlex.split(first)
    except ValueError as err:
        raise DirectiveError(0, f"cannot read the directive: {err}") from None
    if not words:
        raise DirectiveError(0, "empty directive: expected one of "
                                + ", ".join(sorted(MODIFIERS | ACTIONS)))
    name, rest = words[0], words[1:]
    args = [w for w in rest if "=" not in w]
    options = dict(w.split("=", 1) for w in rest if "=" in w)
    d = Directive(name, args, options, script.rstrip(), html.strip())
    _check(d)
    return d


def _check(d: Directive) -> None:
    known = MODIFIERS | ACTIONS
    if d.name not in known:
        raise DirectiveError(0, f"unknown directive {d.name!r}; known: {', '.join(sorted(known))}")
    if d.name in NEEDS_REASON:
        if not d.options.get("reason", "").strip():
            raise DirectiveError(0, f'`{d.name}` needs a reason: <!-- docrun: {d.name} reason="..." -->')
    elif d.name in ("exit", "timeout"):
        if len(d.args) != 1:
            raise DirectiveError(0, f"`{d.name}` takes one number, e.g. <!-- docrun: {d.name} 1 -->")
        _number(d.args[0], f"`{d.name}`", int if d.name == "exit" else float)
    elif d.name == "setup":
        if not d.script.strip():
            raise DirectiveError(0, "`setup` needs shell commands on the lines after `docrun: setup`")
    elif d.name in WAITS:
        if len(d.args) != (2 if d.name == "wait-log" else 1):
            usage = {"wait-http": "URL", "wait-port": "PORT", "wait-log": 'CONTAINER "TEXT"',
                     "wait-healthy": "CONTAINER"}[d.name]
            raise DirectiveError(0, f"usage: <!-- docrun: {d.name} {usage} [timeout=SECONDS] -->")
        if d.name == "wait-port":
            _number(d.args[0], "the port")
        if "timeout" in d.options:
            _number(d.options["timeout"], "timeout", float)
        if "status" in d.options:
            _number(d.options["status"], "status")
    unknown = set(d.options) - {"reason", "timeout", "status"}
    if unknown:
        raise DirectiveError(0, f"unknown option(s) for `{d.name}`: {', '.join(sorted(unknown))}")
