"""Local Scrapyd nodes on 127.0.0.1 for the tests and benchmarks: each a real `scrapyd`
process with its own port, folder and basic-auth credentials."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScrapydNode:
    """`scrapyd` started in `folder` with a generated scrapyd.conf; `url` carries the
    credentials as `microintern crawl --scrapyd` takes them."""

    def __init__(self, folder: Path, max_proc: int = 4) -> None:
        folder.mkdir(parents=True)
        self.port = free_port()
        (folder / "scrapyd.conf").write_text(
            "[scrapyd]\nbind_address = 127.0.0.1\n"
            f"http_port = {self.port}\neggs_dir = {folder / 'eggs'}\ndbs_dir = {folder / 'dbs'}\n"
            f"logs_dir =\nitems_dir =\npoll_interval = 0.2\nmax_proc = {max_proc}\n"
            "username = crawler\npassword = s3cret\n"
        )
        self.output = folder / "scrapyd.out"
        self.log = self.output.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"],
            cwd=folder,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its crawls in its process group, stopped with it
        )
        self.url = f"http://crawler:s3cret@127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/daemonstatus.json", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"scrapyd did not start: {self.output.read_text()}")

    def stop(self) -> None:
        """Stop it and its crawls at once, as a machine that goes away."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.log.close()
