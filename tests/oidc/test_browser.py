"""A committee member signs in with the organisation's account in Chromium, and signs out.

PeerPulse runs as ``uvicorn service.main:app`` configured only through ``PEERPULSE_OIDC__...``
variables (the mapping as JSON, as an operator would write it), beside the test provider.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, TestProvider
from tests.web.conftest import _free_port


@pytest.fixture
def sso_server(tmp_path: Path, provider: TestProvider) -> Iterator[str]:
    """PeerPulse on a free port, signing in with the provider; communities circle and garden."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PEERPULSE_DATABASE_URL": f"sqlite:///{tmp_path / 'sso.db'}",
        "PEERPULSE_SECRET_KEY": "sso-browser-secret-key-0123456789abcdef",
        "PEERPULSE_DATA_DIR": str(tmp_path),
        "PEERPULSE_ENVIRONMENT": "test",
        "PEERPULSE_PUBLIC_URL": base,
        "PEERPULSE_OIDC__ISSUER": provider.issuer,
        "PEERPULSE_OIDC__CLIENT_ID": CLIENT_ID,
        "PEERPULSE_OIDC__CLIENT_SECRET": CLIENT_SECRET,
        "PEERPULSE_OIDC__SCOPES": "openid profile email groups",
        "PEERPULSE_OIDC__DISPLAY_NAME": "Example Org",
        "PEERPULSE_OIDC__ROLE_CLAIM": "groups",
        "PEERPULSE_OIDC__CONTACT": "the programme office",
        "PEERPULSE_OIDC__MAPPINGS": json.dumps(
            [{"claim_value": "circle-committee", "community": "circle", "role": "committee"}]
        ),
    }
    for slug in ("circle", "garden"):
        subprocess.run(
            [sys.executable, "-m", "service.cli", "communities", "create", slug],
            env=env,
            check=True,
            capture_output=True,
        )
    provider.register(f"{base}/auth/oidc/callback", f"{base}/signin")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "service.main:app", "--host", "127.0.0.1"]
        + ["--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=20)


def test_committee_member_signs_in_lands_on_their_page_and_signs_out(
    page,  # noqa: ANN001 - Playwright page
    sso_server: str,
    provider: TestProvider,
) -> None:
    provider.auto_approve = False  # the provider shows its own sign-in page
    page.goto(f"{sso_server}/c/circle/agenda")
    assert "/signin" in page.url
    page.get_by_role("link", name="Sign in with Example Org").click()
    page.get_by_role("button", name="Continue as Jane Doe").click()
    page.wait_for_url(re.compile(r"/c/circle/agenda$"))
    assert page.get_by_role("button", name="Sign out").is_visible()
    header = page.locator("header").inner_text()
    assert "Circle" in header and "Agenda" in header
    assert "Imports" not in header  # committee, not facilitator: the nav follows the role

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/signin$"))
    assert provider.ended == ["user-1"]
    page.goto(f"{sso_server}/c/circle")
    assert "/signin" in page.url


def test_person_without_a_mapped_group_sees_whom_to_ask(
    page,  # noqa: ANN001 - Playwright page
    sso_server: str,
    provider: TestProvider,
) -> None:
    provider.user = {**provider.user, "groups": ["finance"]}
    page.goto(f"{sso_server}/signin")
    page.get_by_role("link", name="Sign in with Example Org").click()
    page.get_by_role("heading", name="No access yet").wait_for()
    text = page.locator("main").inner_text()
    assert "the programme office" in text and "finance" in text
    page.goto(f"{sso_server}/c/circle")
    assert "/signin" in page.url
