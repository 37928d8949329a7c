"""Readiness waits for background containers: an HTTP answer, an open port, a log line, health."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request

import docker
from docker.errors import NotFound

from .directives import Directive

POLL = 0.2


class NotReady(RuntimeError):
    pass


def _poll(check, timeout: float, what: str) -> float:
    start = time.monotonic()
    last = ""
    while True:
        try:
            if check():
                return time.monotonic() - start
        except NotReady:
            raise
        except Exception as err:  # noqa: BLE001 - any failure means "not yet"; remembered for the message
            last = f" (last attempt: {err})"
        if time.monotonic() - start > timeout:
            raise NotReady(f"{what} not ready after {timeout:.0f}s{last}")
        time.sleep(POLL)


def _http(url: str, status: int) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == status
    except urllib.error.HTTPError as err:
        return err.code == status


def _port(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return True


def _container(client: docker.DockerClient, name: str):
    try:
        return client.containers.get(name)
    except NotFound:
        raise NotReady(f"there is no container {name!r}") from None


def _log(client, name: str, text: str) -> bool:
    c = _container(client, name)
    if text in c.logs().decode(errors="replace"):
        return True
    c.reload()
    if c.status in ("exited", "dead"):
        raise NotReady(f"container {name!r} {c.status} before logging {text!r}")
    return False


def _healthy(client, name: str) -> bool:
    c = _container(client, name)
    health = c.attrs.get("State", {}).get("Health")
    if health is None:
        raise NotReady(f"container {name!r} has no health check")
    if health.get("Status") == "unhealthy":
        raise NotReady(f"container {name!r} is unhealthy")
    return health.get("Status") == "healthy"


def wait(directive: Directive, client: docker.DockerClient) -> float:
    """Block until the directive's condition holds; return the seconds waited."""
    d, args = directive, directive.args
    if d.name == "wait-http":
        return _poll(lambda: _http(args[0], int(d.options.get("status", 200))), d.timeout, args[0])
    if d.name == "wait-port":
        return _poll(lambda: _port(int(args[0])), d.timeout, f"port {args[0]}")
    if d.name == "wait-log":
        return _poll(lambda: _log(client, args[0], args[1]), d.timeout, f"log of {args[0]!r}")
    if d.name == "wait-healthy":
        return _poll(lambda: _healthy(client, args[0]), d.timeout, f"health of {args[0]!r}")
    raise ValueError(f"not a wait directive: {d.name}")
