"""How each kind of block is run: one evaluator per block kind, as Sybil pairs each region
with its evaluator. The page model (docmodel) says what a block *is*; an evaluator does it
with what a page run gives it (context.py: its shell, machine, working directory and
options) and returns an Outcome. kinds.py pairs each kind of block with its evaluator.
"""

from __future__ import annotations

import time

from docmodel.page import ActionBlock, ConsoleBlock, FileBlock, NotRunBlock
from docmodel.transcript import Command, Step

from . import matching, noise, readiness
from .context import Context
from .interactive import run_session
from .outcomes import Failed, Illustrative, Outcome, Passed, Skipped, StepRef, Stop, Update
from .shell import ShellDied


class _Fail(Exception):
    def __init__(self, outcome: Failed):
        self.outcome = outcome


def not_run(block: NotRunBlock, run: Context | None = None) -> Outcome:
    if block.illustrative:
        return Illustrative(why=block.reason)
    return Skipped(why=block.reason)


def write_file(block: FileBlock, run: Context) -> Outcome:
    target = run.workdir / block.filename
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(block.content, encoding="utf-8")
    return Passed()


def action(block: ActionBlock, run: Context) -> Outcome:
    d = block.directive
    if d.name == "setup":
        res = run.shell.run(d.script, timeout=run.options.timeout)
        if res.timed_out or res.status != 0:
            status = "timed out" if res.timed_out else f"exit {res.status}"
            return Failed(what=f"hidden setup failed ({status})", detail=f"{d.script}\n--- output ---\n{res.output}",
                          stops=Stop.FAILED)
        return Passed(commands=1)
    try:
        readiness.wait(d, run.machine)
    except readiness.NotReady as err:
        return Failed(what=f"{d.name}: {err}", stops=Stop.FAILED)
    return Passed()


def console(block: ConsoleBlock, run: Context) -> Outcome:
    if block.root_only and not run.machine.as_root:
        return Skipped(why=f"the page runs as an ordinary user: {block.root_only}")
    timeout = block.timeout or run.options.timeout
    deadline = time.monotonic() + timeout
    updates: list[Update] = []
    try:
        for index, cmd in enumerate(block.commands):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Fail(_timed_out(index, cmd, timeout))
            if cmd.interactive:
                _interactive(block, index, cmd, run, remaining, timeout, updates)
                continue
            try:
                res = run.shell.run(cmd.text, timeout=remaining)
            except ShellDied as err:
                raise _Fail(Failed(what=str(err), detail=f"$ {cmd.text}", step=StepRef(index),
                                   stops=Stop.SHELL_DIED)) from None
            if res.timed_out:
                raise _Fail(_timed_out(index, cmd, timeout, res.output))
            actual = noise.provoked_by_runner(cmd.text, run.options.classic)(matching.clean(res.output))
            _compare(block, StepRef(index), cmd, actual, res.status, run, updates)
    except _Fail as fail:
        return fail.outcome
    return Passed(commands=len(block.commands), updates=tuple(updates))


def _interactive(block, index: int, cmd: Command, run: Context, remaining: float, timeout: float,
                 updates: list[Update]) -> None:
    env, cwd = run.shell.environment()
    argv, spawn_env = run.machine.session_argv(cmd.text, cwd, env)
    session = run_session(argv, spawn_env, cmd.session, remaining)
    if session.timed_out:
        raise _Fail(_timed_out(index, cmd, timeout, session.error))
    if session.error:
        raise _Fail(Failed(what="the interactive session did not go as the page says",
                           detail=f"$ {cmd.text}\n{session.error}", step=StepRef(index), stops=Stop.FAILED))
    _compare(block, StepRef(index), cmd, session.before_prompt, None, run, updates)
    for n, step in enumerate(session.steps):
        _compare(block, StepRef(index, n), step.step, step.output, step.status, run, updates)
    _check_status(block, StepRef(index), cmd, session.status, session.before_prompt)


def _timed_out(index: int, cmd: Command, timeout: float, output: str = "") -> Failed:
    return Failed(what=f"timed out after {timeout:.0f}s (the block's limit; raise it with <!-- docrun: timeout N -->)",
                  detail=f"$ {cmd.text}\n{output[-2000:]}".rstrip(), step=StepRef(index), stops=Stop.TIMED_OUT)


def _compare(block: ConsoleBlock, ref: StepRef, step: Step, actual: list[str], status: int | None,
             run: Context, updates: list[Update]) -> None:
    if status is not None:
        _check_status(block, ref, step, status, actual)
    if (matching.matches_in_any_order if block.any_order else matching.matches)(step.output, actual):
        return
    if run.options.update:
        updates.append(Update(ref, tuple(matching.updated(step.output, actual))))
        return
    raise _Fail(Failed(what="the output differs from the page",
                       detail=f"{step.prompt}{step.text}\n{matching.diff(step.output, actual)}", step=ref,
                       stops=Stop.FAILED))


def _check_status(block: ConsoleBlock, ref: StepRef, step: Step, status: int | None, actual: list[str]) -> None:
    expected = block.exit_status if ref.session_step is None else 0
    if status is not None and status != expected:
        shown = "\n".join(actual[-20:])
        raise _Fail(Failed(what=f"exit status {status}, expected {expected}",
                           detail=f"{step.prompt}{step.text}\n{shown}", step=ref, stops=Stop.FAILED))
