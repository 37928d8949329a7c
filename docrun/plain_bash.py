"""Each kind of block as plain bash: what `./kb bench` compares the runner with. The same
commands as the runner runs, with files written by heredocs, readiness waits as polling
loops and interactive sessions fed on stdin; their output goes to fd 4."""

from __future__ import annotations

import shlex

from docmodel.page import ActionBlock, ConsoleBlock, FileBlock


def _wait(d) -> str:
    a = d.args
    loop = {
        "wait-http": f"curl -fsS -o /dev/null {shlex.quote(a[0])}",
        "wait-port": f"(exec 3<>/dev/tcp/127.0.0.1/{a[0]})",
        "wait-log": f"docker logs {shlex.quote(a[0])} 2>&1 | grep -qF {shlex.quote(a[1] if len(a) > 1 else '')}",
        "wait-healthy": f"[ \"$(docker inspect -f '{{{{.State.Health.Status}}}}' {shlex.quote(a[0])})\" = healthy ]",
    }[d.name]
    return f"until {loop} 2>/dev/null; do sleep 0.2; done"


def file_script(block: FileBlock) -> list[str]:
    return [f"mkdir -p \"$(dirname {shlex.quote(block.filename)})\"",
            f"cat > {shlex.quote(block.filename)} <<'__BENCH_EOF__'\n{block.content}__BENCH_EOF__"]


def console_script(block: ConsoleBlock) -> list[str]:
    out = []
    for cmd in block.commands:
        if cmd.session:   # no terminal: the session's commands fed on stdin, read line by line by the shell
            (docker,) = cmd.docker
            argv = docker.argv(drop=("-t", "--tty"))
            if docker.path == ("compose", "exec"):
                argv.insert(argv.index("exec") + 1, "-T")
            typed = "\n".join(step.text for step in cmd.session)
            out.append(f"{shlex.join(argv)} >&4 2>&1 <<'__BENCH_EOF__'\n"
                       f"{typed}\n__BENCH_EOF__")
        else:
            out.append(f"{{ {cmd.text}\n}} >&4 2>&1 </dev/null")
    return out


def action_script(block: ActionBlock) -> list[str]:
    if block.directive.name == "setup":
        return [f"{{ {block.directive.script}\n}} >&4 2>&1 </dev/null"]
    return [_wait(block.directive)]


def nothing(block) -> list[str]:
    """A block that doesn't run has no script."""
    return []
