"""Interactive sessions (`docker run -it ...`) driven through a pseudo-terminal with pexpect.

The container's shell is started as the reader would start it; once its first
prompt appears, the runner turns off echo and sets a prompt of its own that also
carries the last exit status, then types each command of the transcript and
collects what appears before the next prompt. `exit` ends the session.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import pexpect

from docmodel.transcript import Step

from .matching import clean

FIRST_PROMPT = re.compile(r"(\S+@\S+:\S*[#$]|/\S* #) ")
MARK_RE = re.compile(r"\[docrun:(\d+)\]# ")
SETUP = "stty -echo; PS1='[docrun:$?]# '; PS2=''"


@dataclass
class StepResult:
    step: Step
    output: list[str]
    status: int | None


@dataclass
class SessionResult:
    before_prompt: list[str]               # what the command printed before the first prompt
    steps: list[StepResult] = field(default_factory=list)
    status: int | None = None              # the docker command's own exit status
    timed_out: bool = False
    error: str = ""


def run_session(argv: list[str], env: dict[str, str], steps: list[Step] | None, timeout: float) -> SessionResult:
    """Run `argv` (the machine's way of running the command) in a terminal and type the steps."""
    deadline = time.monotonic() + timeout

    def left() -> float:
        return max(0.1, deadline - time.monotonic())

    child = pexpect.spawn(argv[0], argv[1:], env=env, encoding="utf-8",
                          codec_errors="replace", dimensions=(40, 200), timeout=left())
    result = SessionResult(before_prompt=[])
    try:
        if not steps:  # -it with a command that isn't a shell: just its output
            child.expect(pexpect.EOF, timeout=left())
            result.before_prompt = clean(child.before)
            return result
        child.expect(FIRST_PROMPT, timeout=left())
        result.before_prompt = clean(child.before)
        child.sendline(SETUP)
        child.expect(MARK_RE, timeout=left())
        for step in steps:
            child.sendline(step.text)
            if step.text.strip() == "exit":
                child.expect(pexpect.EOF, timeout=left())
                result.steps.append(StepResult(step, clean(child.before), None))
                break
            child.expect(MARK_RE, timeout=left())
            result.steps.append(StepResult(step, clean(child.before), int(child.match.group(1))))
    except pexpect.TIMEOUT:
        result.timed_out = True
        result.error = f"timed out after {timeout:.0f}s; last output: {clean(child.before or '')[-5:]}"
    except pexpect.EOF:
        result.error = f"the session ended early; last output: {clean(child.before or '')[-5:]}"
    finally:
        child.close(force=True)
        if not result.timed_out:
            result.status = child.exitstatus if child.exitstatus is not None else child.signalstatus
    return result
