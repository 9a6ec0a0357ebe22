"""The imports page follows the server's reading and redaction of an upload, in a real browser."""

from __future__ import annotations

import re

from tests.conftest import FIXTURES
from tests.web.conftest import live_server  # noqa: F401 - the live server fixture


def test_the_page_polls_the_run_and_shows_it_stored(page, live_server: dict[str, str]) -> None:  # noqa: ANN001, F811
    page.goto(f"{live_server['base']}/c/circle")
    page.get_by_label("Token").fill(live_server["token"])
    page.get_by_role("button", name="Sign in with token").click()
    page.wait_for_url(re.compile(r"/c/circle$"))
    page.goto(f"{live_server['base']}/c/circle/imports")
    polled: list[str] = []
    page.on(
        "request",
        lambda request: polled.append(request.url) if request.method == "GET" else None,
    )
    page.get_by_label("Export file").set_input_files(
        str(FIXTURES / "surveymonkey/two_header_rows.csv")
    )
    page.get_by_role("button", name="Upload").click()
    result = page.locator("#upload-result")
    result.wait_for(state="visible")
    assert "responses added" in result.inner_text()
    runs = [u for u in polled if re.search(r"/imports/[0-9a-f]{32}$", u)]
    assert runs, polled  # the page asked the server how far the import had got
    assert page.locator("#import-progress-text").inner_text() == "Stored."
    bar = page.locator("#import-progress")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "1"
    seen = page.request.get(runs[0]).json()
    assert seen["status"] == "done" and seen["result"]["format"] == "surveymonkey"
