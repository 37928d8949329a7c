"""Readiness waits for background containers: an HTTP answer, an open port, a log line, health.

HTTP and port checks are made from where the page runs (its machine), so
`localhost:8080` means what it means to the page's commands.
"""

from __future__ import annotations

from docker.errors import NotFound

from docmodel.directives import Directive
from kbutil import poll

from .machine import Machine


class NotReady(RuntimeError):
    pass


def _container(machine: Machine, name: str):
    try:
        return machine.client.containers.get(name)
    except NotFound:
        raise poll.GiveUp(f"there is no container {name!r}") from None


def _log(machine: Machine, name: str, text: str) -> bool:
    c = _container(machine, name)
    if text in c.logs().decode(errors="replace"):
        return True
    c.reload()
    if c.status in ("exited", "dead"):
        raise poll.GiveUp(f"container {name!r} {c.status} before logging {text!r}")
    return False


def _healthy(machine: Machine, name: str) -> bool:
    c = _container(machine, name)
    health = c.attrs.get("State", {}).get("Health")
    if health is None:
        raise poll.GiveUp(f"container {name!r} has no health check")
    if health.get("Status") == "unhealthy":
        raise poll.GiveUp(f"container {name!r} is unhealthy")
    return health.get("Status") == "healthy"


def wait(directive: Directive, machine: Machine) -> float:
    """Block until the directive's condition holds; return the seconds waited, or raise NotReady."""
    d, args = directive, directive.args
    checks = {
        "wait-http": (lambda: machine.http_status(args[0]) == int(d.options.get("status", 200)), args[0]),
        "wait-port": (lambda: machine.port_open(int(args[0])), f"port {args[0]}"),
        "wait-log": (lambda: _log(machine, args[0], args[1] if len(args) > 1 else ""), f"log of {args[0]!r}"),
        "wait-healthy": (lambda: _healthy(machine, args[0]), f"health of {args[0]!r}"),
    }
    if d.name not in checks:
        raise ValueError(f"not a wait directive: {d.name}")
    check, what = checks[d.name]
    try:
        return poll.until(check, d.timeout, what)
    except (poll.TimedOut, poll.GiveUp) as err:
        raise NotReady(str(err)) from None
