"""The dashboard end to end in Chromium: an analysis with the real models, then every page.

One analysis runs per session (``analysed``); every test reuses it and saves a screenshot of
its page as a test artifact in ``test-artifacts/screenshots/``. With
``PEERPULSE_UPDATE_SCREENSHOTS=1`` they go to ``docs/screenshots/`` instead, which the README
shows (a plain ``make test`` leaves the working tree clean).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.factories import themed_export

SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("PEERPULSE_UPDATE_SCREENSHOTS")
    else ROOT / "test-artifacts" / "screenshots"
)
ANALYSIS_TIMEOUT_MS = 300_000
CONTRAST = """(selector) => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const el = document.querySelector(selector);
  if (!el) return null;
  let node = el, bg = null;
  while (node && node.nodeType === 1) {
    const c = parse(getComputedStyle(node).backgroundColor);
    const image = getComputedStyle(node).backgroundImage;
    if (c.length >= 3 && (c.length === 3 || c[3] > 0) && image === "none") { bg = c; break; }
    node = node.parentElement;
  }
  const fg = lum(parse(getComputedStyle(el).color)), back = lum(bg || [255, 255, 255]);
  return (Math.max(fg, back) + 0.05) / (Math.min(fg, back) + 0.05);
}"""


def sign_in(page, live_server: dict[str, str], path: str = "/c/circle") -> None:  # noqa: ANN001
    """Sign in with the live server's token and land on ``path``."""
    page.goto(f"{live_server['base']}{path}")
    if "/signin" in page.url:
        page.get_by_label("Token").fill(live_server["token"])
        page.get_by_role("button", name="Sign in with token").click()
        page.wait_for_url(re.compile(re.escape(path) + r"$"))


def snap(page, name: str) -> Path:  # noqa: ANN001
    """Save the page as <SCREENSHOTS>/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


@pytest.fixture(scope="session")
def analysed(
    browser: object, live_server: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, object]]:
    """Upload a small themed export and run one analysis from the overview's button."""
    export = tmp_path_factory.mktemp("dashboard") / "pulse.csv"
    export.write_bytes(themed_export(2))
    context = browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    sign_in(page, live_server, "/c/circle/imports")
    page.get_by_label("Export file").set_input_files(str(export))
    page.get_by_role("button", name="Upload").click()
    result = page.locator("#upload-result")
    result.wait_for(state="visible")
    assert "Imported as google_forms: 48 responses added" in result.inner_text()
    page.goto(f"{live_server['base']}/c/circle")
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if "/api/v1/jobs/" in r.url else None)
    page.get_by_role("button", name="Run an analysis").click()
    status = page.locator("#analysis-status")
    status.filter(has_text="Analysis").wait_for()
    page.locator("#analysis-status", has_text="Latest analysis: succeeded").wait_for(
        timeout=ANALYSIS_TIMEOUT_MS
    )
    yield {
        "polled": len(seen),
        "progress": page.locator("#analysis-progress").get_attribute("value"),
    }
    context.close()


def test_overview_runs_an_analysis_and_shows_themes_and_worries(
    page,
    live_server: dict[str, str],
    analysed: dict[str, object],  # noqa: ANN001
) -> None:
    assert analysed["polled"] >= 1 and analysed["progress"] == "100"
    sign_in(page, live_server)
    themes = page.locator("ol.themes > li")
    assert themes.count() >= 3
    assert page.locator("ol.concerns > li").count() >= 1
    assert page.locator("#participation-chart .main-svg").count() >= 1
    labels = " ".join(themes.all_inner_texts()).lower()
    assert any(word in labels for word in ("expense", "calendar", "reorg", "restructur", "ai"))
    snap(page, "overview")


def test_theme_page_shows_trend_quotes_and_a_suppressed_cell(
    page,
    live_server: dict[str, str],
    analysed: dict[str, object],  # noqa: ANN001
) -> None:
    sign_in(page, live_server)
    first = page.locator("ol.themes > li a").first
    label = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/c/circle/themes/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == label
    assert page.locator(".phrases li").count() >= 1
    assert page.locator("#trend-chart .main-svg").count() >= 1
    cell = page.locator("table.heatmap td.suppressed").first
    assert cell.inner_text() == "Suppressed: fewer than 5 responses"
    snap(page, "theme")


def test_vote_with_the_keyboard_accept_and_see_it_on_the_agenda(
    page,
    live_server: dict[str, str],
    analysed: dict[str, object],  # noqa: ANN001
) -> None:
    sign_in(page, live_server, "/c/circle/suggestions")
    card = page.locator("section[aria-labelledby='group-open'] article.suggestion").first
    card_id = card.get_attribute("id")
    title = card.locator("h3").inner_text()
    card.get_by_role("button", name="Vote for").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"#{card_id}$"))
    card = page.locator(f"#{card_id}")
    assert "Votes: 1 for, 0 against" in card.locator(".votes").get_attribute("aria-label")
    assert card.get_by_role("button", name="Vote for").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("status").inner_text() == "Your vote is counted."
    snap(page, "suggestions")
    # one vote of the two needed: the admin accepts anyway, on a date chosen and confirmed
    assert "Needs 2 votes for it to be accepted; it has 1." in card.inner_text()
    card.locator("input[type=date]").fill("2031-03-04")
    card.get_by_label("I confirm accepting it for the date chosen").check()
    card.get_by_label("Accept without the votes").check()
    card.get_by_role("button", name="Accept").click()
    page.wait_for_url(re.compile(rf"#{card_id}$"))
    accepted = page.locator("section[aria-labelledby='group-accepted']")
    assert title in accepted.inner_text()
    assert page.locator(f"#{card_id}").get_by_role("status").inner_text() == (
        "Accepted for the session."
    )
    page.get_by_role("navigation").get_by_role("link", name="Agenda").click()
    page.wait_for_url(re.compile(r"/c/circle/agenda$"))
    assert title in page.locator("ol.agenda").inner_text()
    snap(page, "agenda")
    page.goto(f"{live_server['base']}/c/circle/suggestions")
    page.locator(f"#{card_id}").get_by_role("button", name="Reopen").click()
    page.wait_for_url(re.compile(rf"#{card_id}$"))
    reopened = page.locator("section[aria-labelledby='group-open']")
    assert title in reopened.inner_text()


def test_imports_page_lists_the_export_and_its_detected_format(
    page,
    live_server: dict[str, str],
    analysed: dict[str, object],  # noqa: ANN001
) -> None:
    sign_in(page, live_server, "/c/circle/imports")
    row = page.locator("tr", has_text="pulse.csv")
    assert "google_forms" in row.inner_text()
    snap(page, "imports")


def test_digest_preview_renders_this_weeks_digest(
    page,
    live_server: dict[str, str],
    analysed: dict[str, object],  # noqa: ANN001
) -> None:
    sign_in(page, live_server, "/c/circle/digest")
    assert page.locator("#digest-subject").inner_text().strip()
    frame = page.frame_locator("#digest-frame")
    assert frame.locator("body").inner_text().strip()
    snap(page, "digest")


def test_settings_show_thresholds_and_manage_recipients(
    page,
    live_server: dict[str, str],
    analysed: dict[str, object],  # noqa: ANN001
) -> None:
    sign_in(page, live_server, "/c/circle/settings")
    assert "Smallest group any figure may describe 5" in page.locator(
        "table"
    ).first.inner_text().replace("\t", " ")
    page.get_by_label("E-mail address").fill("committee-chair@example.org")
    page.get_by_label("Digest for the role").select_option("committee")
    page.get_by_role("button", name="Add recipient").click()
    page.wait_for_url(re.compile(r"/settings\?done=added"))
    row = page.locator("#recipients tr", has_text="committee-chair@example.org")
    assert "committee digest" in row.inner_text()
    snap(page, "settings")


@pytest.mark.parametrize(
    "path",
    [
        "/c/circle",
        "/c/circle/suggestions",
        "/c/circle/agenda",
        "/c/circle/goals",
        "/c/circle/imports",
        "/c/circle/digest",
        "/c/circle/settings",
        "theme",
    ],
)
def test_every_page_fits_a_phone(
    page,
    live_server: dict[str, str],
    analysed: dict[str, object],
    path: str,  # noqa: ANN001
) -> None:
    sign_in(page, live_server)
    if path == "theme":
        path = page.locator("ol.themes > li a").first.get_attribute("href")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server['base']}{path}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_sign_in_page_labels_both_ways_in(page, live_server: dict[str, str]) -> None:  # noqa: ANN001
    page.goto(f"{live_server['base']}/signin")
    assert page.get_by_label("Token").get_attribute("type") == "password"
    assert page.get_by_label("Password").get_attribute("type") == "password"
    snap(page, "signin")


def test_keyboard_users_skip_to_the_content(page, live_server: dict[str, str]) -> None:  # noqa: ANN001
    sign_in(page, live_server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


@pytest.mark.parametrize(
    ("where", "selector"),
    [
        ("overview", "main h1"),
        ("overview", "p.muted"),
        ("overview", "nav a"),
        ("overview", "header button"),
        ("overview", "main a"),
        ("overview", "main button"),
        ("theme", "td.suppressed"),
        ("theme", ".phrases li"),
        ("suggestions", "button.secondary"),
        ("suggestions", ".badge"),
    ],
)
def test_text_contrast_meets_wcag_aa(
    page,
    live_server: dict[str, str],
    analysed: dict[str, object],
    where: str,
    selector: str,  # noqa: ANN001
) -> None:
    sign_in(page, live_server)
    if where == "theme":
        page.locator("ol.themes > li a").first.click()
        page.wait_for_url(re.compile(r"/themes/\d+$"))
    elif where == "suggestions":
        page.goto(f"{live_server['base']}/c/circle/suggestions")
    ratio = page.evaluate(CONTRAST, selector)
    assert ratio is not None, f"nothing matches {selector}"
    assert ratio >= 4.5
