"""The pages as a facilitator uses them, in a real browser."""

from __future__ import annotations

import re

from tests.conftest import FIXTURES


def _sign_in(page, live_server: dict[str, str]) -> None:  # noqa: ANN001 - Playwright page
    page.goto(f"{live_server['base']}/c/circle")
    assert "/signin" in page.url
    page.get_by_label("Token").fill(live_server["token"])
    page.get_by_role("button", name="Sign in with token").click()
    page.wait_for_url(re.compile(r"/c/circle$"))


def test_sign_in_upload_and_see_a_suppressed_cell(page, live_server: dict[str, str]) -> None:  # noqa: ANN001
    _sign_in(page, live_server)
    page.get_by_role("link", name="Imports").click()
    page.get_by_label("Export file").set_input_files(
        str(FIXTURES / "surveymonkey/two_header_rows.csv")
    )
    page.get_by_role("button", name="Upload").click()
    result = page.locator("#upload-result")
    result.wait_for(state="visible")
    assert "Imported as surveymonkey: 5 responses added" in result.inner_text()
    assert page.locator("#upload-progress").get_attribute("value") == "100"
    page.reload()
    assert "two_header_rows.csv" in page.locator("table").inner_text()
    page.get_by_role("link", name="Overview").click()
    suppressed = page.locator("td.suppressed").first
    assert suppressed.inner_text() == "fewer than 5 responses"


def test_upload_error_says_what_and_where(page, live_server: dict[str, str]) -> None:  # noqa: ANN001
    _sign_in(page, live_server)
    page.goto(f"{live_server['base']}/c/circle/imports")
    page.get_by_label("Export file").set_input_files(str(FIXTURES / "bad/ragged.csv"))
    page.get_by_role("button", name="Upload").click()
    result = page.locator("#upload-result")
    result.wait_for(state="visible")
    text = result.inner_text()
    assert "row 4, column 11" in text and "What to do:" in text


def test_phone_width_has_no_horizontal_scroll(page, live_server: dict[str, str]) -> None:  # noqa: ANN001
    _sign_in(page, live_server)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server['base']}/c/circle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_request_commits_before_the_response_is_sent(live_server: dict[str, str]) -> None:
    """Regression: the session cookie's token was committed after the redirect was sent."""
    import httpx

    for _ in range(20):
        with httpx.Client(base_url=live_server["base"]) as client:
            signed_in = client.post(
                "/signin", data={"token": live_server["token"], "next": "/c/circle"}
            )
            assert signed_in.status_code == 303
            assert client.get("/c/circle").status_code == 200
