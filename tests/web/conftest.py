"""A live server on 127.0.0.1 and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("PEERPULSE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium from Debian's package."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM}; .ci/run installs it")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh page; a screenshot is saved as a test artifact afterwards."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
