"""A live server on 127.0.0.1 (the browser is ``tests/browser.py``'s, shared by every folder)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """``uvicorn service.main:app`` on a free port with its own SQLite database."""
    folder = tmp_path_factory.mktemp("live")
    port = _free_port()
    env = {
        **os.environ,
        "PEERPULSE_DATABASE_URL": f"sqlite:///{folder / 'live.db'}",
        "PEERPULSE_SECRET_KEY": "live-server-secret-key-0123456789abcdef",
        "PEERPULSE_DATA_DIR": str(folder),
        "PEERPULSE_ENVIRONMENT": "test",
    }
    token = subprocess.run(
        [
            sys.executable,
            "-m",
            "service.cli",
            "tokens",
            "create",
            "--role",
            "admin",
            "--community",
            "circle",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "service.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    yield {"base": base, "token": token, "env_db": str(folder / "live.db")}
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:  # a job thread still running an analysis
        server.kill()
        server.wait(timeout=20)
