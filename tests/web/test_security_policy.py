"""The Content-Security-Policy holds in Chromium: every page and /docs work without a violation.

This module runs after ``test_dashboard`` (by name), so in a full run the pages show an analysis
with its plotly charts; on its own it checks the same pages without data.
"""

from __future__ import annotations

import re

import pytest

PAGES = ["", "/suggestions", "/agenda", "/goals", "/imports", "/digest", "/settings"]


def _violations(page) -> list[str]:  # noqa: ANN001 - Playwright page
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def _sign_in(page, live_server: dict[str, str]) -> None:  # noqa: ANN001
    page.goto(f"{live_server['base']}/c/circle")
    if "/signin" in page.url:
        page.get_by_label("Token").fill(live_server["token"])
        page.get_by_role("button", name="Sign in with token").click()
        page.wait_for_url(re.compile(r"/c/circle$"))


def test_pages_run_their_scripts_under_the_policy(page, live_server: dict[str, str]) -> None:  # noqa: ANN001
    found = _violations(page)
    _sign_in(page, live_server)
    themes = page.locator("ol.themes a[href*='/themes/']")
    paths = [f"/c/circle{suffix}" for suffix in PAGES]
    if themes.count():
        paths.append(themes.first.get_attribute("href") or "")
    for path in paths:
        answer = page.goto(f"{live_server['base']}{path}")
        assert answer is not None and answer.status == 200, path
        assert answer.headers["content-security-policy"].startswith("default-src 'self'")
        page.wait_for_load_state("networkidle")
    if themes.count():
        assert page.locator("#trend-chart .main-svg").count() >= 1
    assert found == []


def test_docs_render_swagger_ui_offline_under_the_policy(
    page,  # noqa: ANN001
    live_server: dict[str, str],
) -> None:
    found = _violations(page)
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server["base"], "data:"))
            else None
        ),
    )
    page.goto(f"{live_server['base']}/docs")
    page.locator(".opblock").first.wait_for(timeout=30_000)
    assert page.locator(".opblock").count() >= 30
    assert "PeerPulse" in page.locator(".info .title").inner_text()
    assert found == [] and outside == []


@pytest.mark.parametrize("path", ["/favicon.ico", "/static/favicon.svg"])
def test_the_icon_loads(page, live_server: dict[str, str], path: str) -> None:  # noqa: ANN001
    answer = page.request.get(f"{live_server['base']}{path}")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("image/")
