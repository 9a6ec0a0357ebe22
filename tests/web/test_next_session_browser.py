"""The overview's "Next session" card in Chromium: a committee member reads what to discuss
next and follows a topic to the board."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from service.analysis.suggestions import build_suggestions
from service.auth.roles import Role
from service.config import Settings
from service.storage import db
from service.storage.repositories import auth, communities
from tests.agenda.builders import segments, worry_and_size

SLUG = "next-session"


def _community_with_suggestions(
    live_server: dict[str, str], slug: str = SLUG, role: Role = Role.COMMITTEE
) -> tuple[str, list[dict]]:
    """Suggestions stored in the live server's database, and a token of ``role`` for them."""
    url = f"sqlite:///{live_server['env_db']}"
    engine = db.make_engine(url)
    with db.transaction(engine, write=True) as session:
        community = communities.get_or_create(session, slug)
        community_id = community.id
        token = auth.create_token(session, role=role, community=community)
    themes, units = worry_and_size()
    made = build_suggestions(
        engine,
        community_id,
        "browser-job",
        themes=themes,
        units=units,
        settings=Settings(environment="test", database_url=url),
        segments=segments(),
    )
    engine.dispose()
    return token, made


def test_the_next_session_card_leads_to_the_board(page, live_server: dict[str, str]) -> None:  # noqa: ANN001
    token, made = _community_with_suggestions(live_server)
    page.goto(f"{live_server['base']}/c/{SLUG}")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in with token").click()
    page.wait_for_url(re.compile(rf"/c/{SLUG}$"))
    card = page.locator("#next-session")
    assert card.get_by_role("heading", name="Next session").is_visible()
    topics = card.locator("ol.next-topics > li")
    assert topics.count() == 3
    assert topics.locator("h3").all_inner_texts() == [m["title"] for m in made[:3]]
    first = topics.first
    assert "Why now:" in first.inner_text()
    assert first.locator("blockquote").count() == 1  # the committee may read members' words
    assert first.locator(".votes").get_attribute("aria-label") == (
        "Committee votes: 0 for, 0 against"
    )
    # the card is the first thing on the page after the heading
    box = card.bounding_box()
    assert box is not None and box["y"] < page.locator("#themes-h").bounding_box()["y"]
    page.set_viewport_size({"width": 375, "height": 800})  # the card fits a phone too
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    first.get_by_role("link", name=made[0]["title"]).click()
    page.wait_for_url(re.compile(rf"/c/{SLUG}/suggestions#s-{made[0]['id']}$"))
    assert page.locator(f"#s-{made[0]['id']}").get_by_role("button", name="Vote for").is_visible()


def test_the_brief_prints_on_one_page_and_downloads_as_a_pdf(
    page, live_server: dict[str, str]
) -> None:  # noqa: ANN001
    """A facilitator opens the session's brief, prints it at A4, and downloads the PDF."""
    slug = "brief-session"
    token, made = _community_with_suggestions(live_server, slug, Role.FACILITATOR)
    page.goto(f"{live_server['base']}/c/{slug}")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in with token").click()
    page.wait_for_url(re.compile(rf"/c/{slug}$"))
    page.goto(f"{live_server['base']}/c/{slug}/agenda/brief?session_date=2026-12-14")
    shown = page.locator("body").inner_text()
    titles = [m["title"] for m in made[:3]]  # no topic accepted yet: the three best open ones
    assert all(title in shown for title in titles)
    printed = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    assert len(printed.pages) == 1
    downloaded = page.request.get(
        f"{live_server['base']}/c/{slug}/agenda/brief?session_date=2026-12-14&format=pdf"
    )
    assert downloaded.status == 200
    assert downloaded.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(downloaded.body()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)
    assert len(pdf.pages) == 1 and titles[0] in text
