"""The page's shell (docrun/shell.py) on this machine: state carries over, output is
interleaved, a timed-out command is killed with what it started and the shell survives."""

import time

import psutil
import pytest

from docrun.machine import HostMachine
from docrun.shell import Shell, ShellDied


@pytest.fixture
def shell(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    sh = Shell(HostMachine(engine=None, kit=None), work, {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
               ctl_parent=tmp_path)
    yield sh
    sh.close()


def test_state_carries_from_one_command_to_the_next(shell):
    assert shell.run("cd /tmp && export GREETING=hi", timeout=10).status == 0
    result = shell.run('echo "$GREETING from $PWD"', timeout=10)
    assert result.output == "hi from /tmp\n" and result.status == 0


def test_stdout_and_stderr_interleave_and_the_status_is_kept(shell):
    result = shell.run("echo out; echo err >&2; echo out2; exit_code() { return 3; }; exit_code", timeout=10)
    assert result.output == "out\nerr\nout2\n" and result.status == 3


def test_stdin_is_empty_so_a_command_cannot_eat_the_next_ones(shell):
    assert shell.run("cat; echo after", timeout=10).output == "after\n"


def test_a_timed_out_command_is_killed_with_its_children_and_the_shell_survives(shell):
    started = time.monotonic()
    result = shell.run("sleep 300 & sleep 301; echo never", timeout=1)
    assert result.timed_out and result.status is None and time.monotonic() - started < 15
    assert not psutil.Process(shell.proc.pid).children(recursive=True)
    assert shell.run("echo alive", timeout=10).output == "alive\n"


def test_exit_kills_the_shell_and_says_so(shell):
    with pytest.raises(ShellDied, match="did a command run `exit`"):
        shell.run("exit 4", timeout=10)
        shell.run("echo more", timeout=10)


def test_environment_gives_the_shell_s_exports_and_directory(shell, tmp_path):
    shell.run("export A='x y'; cd ..", timeout=10)
    env, cwd = shell.environment()
    assert env["A"] == "x y" and cwd == tmp_path
