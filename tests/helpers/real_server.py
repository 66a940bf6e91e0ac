"""A real `python -m koerskaart serve` process on a free port, for browser and end-to-end tests."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import engineio
import requests
import socketio
import websocket

from tests.helpers.infra import free_port
from tests.helpers.proefdeck import DECK_DIR

ROOT = Path(__file__).resolve().parents[2]


class RealServer:
    """Start, SIGKILL and restart a server that keeps its SQLite file in ``instance``."""

    def __init__(
        self,
        instance: Path,
        mode: str = "gevent",
        test_deck: bool = False,
        env: dict[str, str] | None = None,
    ) -> None:
        self.instance = Path(instance)
        self.mode = mode
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.instance / "server.log"
        # Nothing from the caller's environment decides where the server keeps its data.
        inherited = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("KOERSKAART_") and key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
        }
        self.env = {
            **inherited,
            "KOERSKAART_INSTANCE": str(self.instance),
            "KOERSKAART_ASYNC_MODE": mode,
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        if test_deck:
            self.env["KOERSKAART_DECK_DIRS"] = str(DECK_DIR)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 40.0) -> None:
        # The server writes to its own copy of the file; ours closes at once (no ResourceWarning).
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "koerskaart", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.output()}")
            try:
                # /healthz: the process answers. The home page reads the database, which a process
                # started before the release step's migration cannot yet.
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer within {timeout} s:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL: a crash, with no chance to clean up."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def rss(self) -> int:
        """The server process's resident memory, in bytes (Linux)."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) * 1024  # type: ignore[union-attr]


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class _EngineIOClient(engineio.Client):
    """python-engineio 4.15 closes its WebSocket when the client disconnects, not when the server
    drops the connection; then the socket stays open until a ResourceWarning in some later test."""

    def _read_loop_websocket(self) -> None:
        ws = self.ws  # a reconnect may put a new WebSocket in self.ws before this returns
        try:
            super()._read_loop_websocket()
        finally:
            ws.shutdown()


class _SocketIOClient(socketio.Client):
    def _engineio_client_class(self) -> type[engineio.Client]:
        return _EngineIOClient


class Phone:
    """One phone against a real server: an HTTP session for cookies, a Socket.IO client for play."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.table_id: str | None = None
        self.received: list[tuple[str, Any]] = []
        self._changed = threading.Condition()
        self.sio = _SocketIOClient(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        for name in ("table_joined", "table_updated", "answer_count_changed", "seat_removed"):
            self.sio.on(name, self._recorder(name), namespace="/play")
        self.sio.on("disconnect", self._recorder("disconnect"), namespace="/play")

    def _recorder(self, name: str) -> Any:
        def record(payload: Any = None) -> None:
            with self._changed:
                self.received.append((name, payload))
                self._changed.notify_all()

        return record

    def _csrf(self, path: str) -> str:
        page = self.http.get(self.base_url + path, timeout=10).text
        match = _CSRF.search(page)
        assert match, f"no csrf_token on {path}"
        return match.group(1) or match.group(2)

    def _seated(self, response: requests.Response) -> None:
        assert response.status_code == 302, response.text[:300]
        self.table_id = response.headers["Location"].rsplit("/", 1)[-1]

    def start_table(self, deck: str) -> None:
        token = self._csrf("/")
        data = {"csrf_token": token, "deck": deck, "nickname": "Host"}
        self._seated(self.http.post(self.base_url + "/tables", data=data, allow_redirects=False, timeout=10))

    def log_in(self, email: str, password: str) -> None:
        token = self._csrf("/login")
        data = {"csrf_token": token, "email": email, "password": password}
        response = self.http.post(self.base_url + "/login", data=data, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:300]

    def post_form(self, path: str, page: str) -> requests.Response:
        """Press a button on ``page`` that posts to ``path`` (a form with only its CSRF token)."""
        data = {"csrf_token": self._csrf(page)}
        return self.http.post(self.base_url + path, data=data, allow_redirects=False, timeout=10)

    def join(self, code: str, server: str | None = None) -> None:
        if server:
            self.base_url = server
        token = self._csrf("/join")
        data = {"csrf_token": token, "code": code}
        self._seated(self.http.post(self.base_url + "/join", data=data, allow_redirects=False, timeout=10))

    @property
    def seat_token(self) -> str:
        return str(self.http.cookies.get(f"kk_seat_{self.table_id}"))

    def connect(self, base_url: str | None = None) -> dict[str, Any]:
        if base_url:
            self.base_url = base_url
        self.sio.connect(
            self.base_url,
            namespaces=["/play"],
            transports=["websocket"],
            auth={"table": self.table_id, "as": "seat"},
            # Every cookie, as a browser sends them: the seat's, and a login's session if any.
            headers={"Cookie": "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())},
            wait_timeout=10,
        )
        joined = self.wait_for("table_joined")
        self.wait_connected()
        return joined

    def wait_connected(self, timeout: float = 10.0) -> None:
        """The server sends table_joined from its connect handler, a moment before the client
        registers the namespace; the JS client buffers such events, the Python client does not."""
        deadline = time.monotonic() + timeout
        while "/play" not in self.sio.namespaces:
            if time.monotonic() > deadline:
                raise AssertionError("socket did not (re)connect to /play")
            time.sleep(0.02)

    def call(self, event: str, payload: Any = None) -> Any:
        return self.sio.call(event, payload if payload is not None else {}, namespace="/play", timeout=10)

    def wait_for(self, name: str, test: Any = None, timeout: float = 15.0, since: int = 0) -> Any:
        """The first payload named ``name`` (from index ``since``) that passes ``test``; waits, bounded."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event, payload in self.received[since:]:
                    if event == name and (test is None or test(payload)):
                        return payload
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {name} matching within {timeout} s; got {self.received[-5:]}")
                self._changed.wait(left)

    def mark(self) -> int:
        with self._changed:
            return len(self.received)

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


def seat_phones(phones: list[Phone], deck: str = "proefdeck") -> str:
    """The first phone starts a table, the others join it by code; returns the code."""
    host = phones[0]
    host.start_table(deck)
    code = str(host.connect()["join"]["code"])
    for phone in phones[1:]:
        phone.join(code)
        phone.connect()
    host.wait_for("table_updated", lambda state: len(state["seats"]) == len(phones))
    return code


class RawSocket:
    """Hand-made Engine.IO/Socket.IO frames over one WebSocket: what an adversarial client sends."""

    def __init__(
        self,
        base_url: str,
        cookies: dict[str, str] | None = None,
        timeout: float = 10.0,
        headers: list[str] | None = None,
    ) -> None:
        url = base_url.replace("http://", "ws://", 1) + "/socket.io/?EIO=4&transport=websocket"
        cookie = "; ".join(f"{name}={value}" for name, value in (cookies or {}).items())
        header = ([f"Cookie: {cookie}"] if cookie else []) + (headers or [])
        self.ws = websocket.create_connection(url, timeout=timeout, header=header)
        self.closed = False
        opening = self.ws.recv()
        assert isinstance(opening, str) and opening.startswith("0{"), opening

    @classmethod
    def seated(cls, phone: Phone) -> RawSocket:
        """A second socket for ``phone``'s seat (its cookie), connected to /play."""
        raw = cls(phone.base_url, dict(phone.http.cookies.items()))
        raw.send("40/play," + json.dumps({"table": phone.table_id, "as": "seat"}))
        while (frame := raw.next_frame()) is not None:
            if frame.startswith("40/play,"):
                return raw
        raise AssertionError("the server closed a seat's connection to /play")

    def send(self, frame: str | bytes) -> bool:
        """Send one frame as it is; False once the server has closed the connection."""
        if self.closed:
            return False
        try:
            if isinstance(frame, bytes):
                self.ws.send_binary(frame)
            else:
                self.ws.send(frame)
        except (websocket.WebSocketConnectionClosedException, OSError):
            self.closed = True
        return not self.closed

    def next_frame(self) -> str | None:
        """The next frame from the server (its pings answered); None once it closed the connection.

        Raises websocket.WebSocketTimeoutException when the server sends nothing at all."""
        while not self.closed:
            try:
                frame = self.ws.recv()
            except (
                websocket.WebSocketConnectionClosedException,
                websocket.WebSocketProtocolException,
                OSError,
            ):
                frame = ""  # closed, or no WebSocket any more (a server that wrote an HTTP error on it)
            if frame in ("", "1"):  # a WebSocket close, or engine.io's close packet
                self.closed = True
            elif frame == "2":
                self.send("3")
            elif isinstance(frame, str):
                return frame
        return None

    def answer(self, ack_id: int, namespace: str = "/play") -> Any:
        """The acknowledgement numbered ``ack_id``; None if the server closed the connection first."""
        head = f"43{namespace}," if namespace != "/" else "43"
        head += str(ack_id)
        while (frame := self.next_frame()) is not None:
            if frame.startswith(head + "["):
                return json.loads(frame[len(head) :])[0]
        return None

    def call(self, ack_id: int, event: str, payload: Any = None) -> Any:
        self.send(f"42/play,{ack_id}" + json.dumps([event, payload if payload is not None else {}]))
        return self.answer(ack_id)

    def wait_closed(self, frames: int = 100_000) -> bool:
        """Read (at most ``frames`` frames) until the server closes the connection; whether it did."""
        return any(self.next_frame() is None for _ in range(frames))

    def close(self) -> None:
        """Say goodbye if the server has not closed first, and let go of the socket at once."""
        if not self.closed:
            with contextlib.suppress(websocket.WebSocketException, OSError):
                self.ws.send_close()
        self.ws.shutdown()
