"""Console transcripts: `$ ` command lines, each followed by the output a reader should expect.

    $ docker run -d --name web \\
        -p 8080:80 nginx
    <id>
    $ docker run -it --rm debian:trixie-slim bash
    root@3f1c0e2d9a4b:/# echo hi
    hi
    root@3f1c0e2d9a4b:/# exit

A trailing backslash continues a command on the next line. An interactive
`docker run -it` / `docker exec -it` is followed by the session: lines that start
with a shell prompt (`user@host:dir# ` or busybox's `/ # `) are typed into the
container, the lines after each are its output, and the session ends with `exit`.

Line numbers here are 0-based indexes into the lines given to `parse`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .dockercli import DockerCommand, docker_commands

PROMPT = "$ "
INNER_PROMPT = re.compile(r"^(?P<prompt>[\w.-]+@[\w.-]+:\S*[#$]|/\S* #) (?P<text>.*)$")


class TranscriptError(ValueError):
    """A malformed transcript; `line` is a 0-based index into the lines given to `parse`."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Step:
    """One command and its expected output."""
    text: str                      # the command as typed (continuation lines joined by "\n")
    line: int                      # index of the command's first line
    output: list[str] = field(default_factory=list)
    output_line: int = 0           # index of the first output line (even when there is none)
    prompt: str = PROMPT           # "$ " for the page shell, the container's prompt inside a session


@dataclass
class Command(Step):
    session: list[Step] | None = None   # the typed-in steps of an interactive session

    @functools.cached_property
    def docker(self) -> tuple[DockerCommand, ...]:
        """The docker commands of this command line (read once)."""
        return tuple(docker_commands(self.text))

    @property
    def interactive(self) -> bool:
        """Whether it needs a terminal: a docker command given -i and -t (any spelling)."""
        return any(d.interactive for d in self.docker)


def is_interactive(command: str) -> bool:
    """Whether the command line needs a terminal (see Command.interactive)."""
    return Command(text=command, line=0).interactive


def _read_command(lines: list[str], i: int, prefix: str) -> tuple[str, int]:
    """The command starting at lines[i] (after `prefix`) and the index after its last line."""
    parts = [lines[i][len(prefix):]]
    while parts[-1].endswith("\\"):
        i += 1
        if i >= len(lines):
            raise TranscriptError(i - 1, "the command ends with `\\` but no line follows it")
        parts.append(lines[i])
    return "\n".join(parts), i + 1


def parse(lines: list[str]) -> list[Command]:
    commands: list[Command] = []
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and not lines[i].startswith(PROMPT):
        raise TranscriptError(i, f"a console block must start with a `{PROMPT}` command line, "
                                 f"found {lines[i]!r}")
    while i < len(lines):
        if not lines[i][len(PROMPT):].strip():
            raise TranscriptError(i, "empty command after `$ `")
        start = i
        text, i = _read_command(lines, i, PROMPT)
        cmd = Command(text=text, line=start, output_line=i)
        commands.append(cmd)
        while i < len(lines) and not lines[i].startswith(PROMPT):
            if cmd.interactive and INNER_PROMPT.match(lines[i]):
                i = _parse_session(lines, i, cmd)
                break
            cmd.output.append(lines[i])
            i += 1
        _trim_blank_tail(cmd)
    if not commands:
        raise TranscriptError(0, "a console block needs at least one `$ ` command")
    return commands


def _parse_session(lines: list[str], i: int, cmd: Command) -> int:
    cmd.session = []
    while i < len(lines) and not lines[i].startswith(PROMPT):
        m = INNER_PROMPT.match(lines[i])
        if m:
            start = i
            text, i = _read_command(lines, i, m["prompt"] + " ")
            cmd.session.append(Step(text=text, line=start, output_line=i, prompt=m["prompt"] + " "))
        else:
            cmd.session[-1].output.append(lines[i])
            i += 1
    for step in cmd.session:
        _trim_blank_tail(step)
    if cmd.session[-1].text.strip() != "exit":
        raise TranscriptError(cmd.session[-1].line,
                              "an interactive session must end with `exit` typed at its prompt")
    return i


def _trim_blank_tail(step: Step) -> None:
    while step.output and not step.output[-1].strip():
        step.output.pop()
