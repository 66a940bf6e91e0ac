"""A real `python -m koerskaart serve` process on a free port, for browser and end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
TEST_DECKS = Path(__file__).resolve().parent / "data"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
        self.env = {
            **os.environ,
            "KOERSKAART_INSTANCE": str(self.instance),
            "KOERSKAART_ASYNC_MODE": mode,
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        if test_deck:
            self.env["KOERSKAART_DECK_DIRS"] = str(TEST_DECKS)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 40.0) -> None:
        log = self.log.open("ab")
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
                if requests.get(self.url + "/", timeout=1).status_code == 200:
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
