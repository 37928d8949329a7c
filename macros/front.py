"""One address in front of the Zensical servers of every language (`./kb serve --zensical`).

A Zensical server serves one site and empties its folder whenever it rebuilds, so the
English site can't live inside the Korean one's while both are served. Each language gets
a server of its own on a spare local port, and this one, at the address the reader opens:
- a request goes to the server of the language whose folder it is in (`/en/...`; the
  longest matching base path), anything else to the default language's;
- the live-reload connection of a page (a WebSocket to the address's root) gets the
  notices of every server: each names the page it rebuilt, and a page reloads only for its
  own address, so an edit reloads the pages that show it, in either language.
"""

from __future__ import annotations

import http.client
import logging
import threading

from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Response
from websockets.sync.client import connect
from websockets.sync.server import ServerConnection, serve

# headers that concern one connection, not the response (RFC 9110, 7.6.1)
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"}

logging.getLogger("websockets").setLevel(logging.CRITICAL)     # a reader closing a tab is no error


class Front:
    def __init__(self, addr: str, backends: dict[str, str]):
        """`backends`: base path ("/", "/en/") -> host:port of the Zensical serving it."""
        host, _, port = addr.rpartition(":")
        self.host, self.port = host or "127.0.0.1", int(port)
        self.backends = dict(sorted(backends.items(), key=lambda item: -len(item[0])))
        self._server = None
        self._thread = None

    def backend(self, path: str) -> str:
        for base, where in self.backends.items():
            if path.startswith(base) or path == base.rstrip("/"):
                return where
        return self.backends.get("/") or next(iter(self.backends.values()))

    def _forward(self, connection: ServerConnection, request) -> Response | None:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return None                              # the live-reload connection: _relay
        upstream = http.client.HTTPConnection(self.backend(request.path), timeout=60)
        try:
            upstream.request("GET", request.path, headers={
                name: value for name, value in request.headers.raw_items() if name.lower() not in HOP_BY_HOP})
            answer = upstream.getresponse()
            body = answer.read()
        except OSError as err:
            return connection.respond(502, f"kb: the Zensical server for {request.path} did not answer: {err}\n")
        finally:
            upstream.close()
        headers = Headers([(name, value) for name, value in answer.getheaders() if name.lower() not in HOP_BY_HOP])
        headers["Content-Length"] = str(len(body))
        headers["Connection"] = "close"
        return Response(answer.status, answer.reason, headers, body)

    def _relay(self, browser: ServerConnection) -> None:
        lock = threading.Lock()
        upstreams = []
        try:
            upstreams = [connect(f"ws://{where}/", open_timeout=10) for where in self.backends.values()]
        except (OSError, TimeoutError):
            for upstream in upstreams:
                upstream.close()
            return

        def follow(upstream):
            try:
                for notice in upstream:
                    with lock:
                        browser.send(notice)
            except ConnectionClosed:
                pass
            browser.close()

        for upstream in upstreams:
            threading.Thread(target=follow, args=(upstream,), daemon=True).start()
        try:
            for _ in browser:        # the page sends nothing; this waits until it goes away
                pass
        except ConnectionClosed:
            pass
        finally:
            for upstream in upstreams:
                upstream.close()

    def start(self) -> None:
        self._server = serve(self._relay, self.host, self.port, process_request=self._forward,
                             server_header=None, compression=None)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
