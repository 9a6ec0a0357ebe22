"""The overview's "Next session" card and the facilitator's one-page brief (HTML, PDF, CLI)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from typer.testing import CliRunner

from service.agenda.schemas import DecisionIn
from service.auth.roles import Role
from service.cli import app as cli_app
from service.committee import actions
from service.committee import brief as briefs
from service.config import get_settings
from service.storage import db
from service.storage.repositories import communities
from tests.agenda.conftest import run_analysis
from tests.web.test_pages import sign_in

SESSION = date(2031, 3, 4)


def _accept(client: TestClient, suggestion_id: int, day: date = SESSION) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine) as session:
        community = communities.get(session, "circle")
    acting = actions.Acting(engine=engine, community=community, actor="test", min_votes=0)
    actions.decide(
        acting, suggestion_id, DecisionIn(decision="accept", session_date=day, reason=None)
    )


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), " ".join(p.extract_text() for p in reader.pages)


def test_the_card_shows_the_three_best_open_suggestions_with_quotes_for_the_committee(
    app_client: TestClient,
) -> None:
    made = run_analysis(app_client)
    sign_in(app_client, Role.COMMITTEE)
    page = app_client.get("/c/circle").text
    card = page[
        page.index('id="next-session"') : page.index("</section>", page.index('id="next-session"'))
    ]
    for item in made[:3]:
        assert item["title"] in card
        assert f"/c/circle/suggestions#s-{item['id']}" in card
    assert made[3]["title"] not in card
    assert "Why now:" in card and "Committee votes: 0 for, 0 against" in card
    assert made[0]["quotes"][0]["text"][:40] in card


def test_viewers_see_the_card_without_quotes(app_client: TestClient) -> None:
    made = run_analysis(app_client)
    sign_in(app_client, Role.VIEWER)
    page = app_client.get("/c/circle").text
    assert made[0]["title"] in page
    for item in made:
        for quote in item["quotes"]:
            assert quote["text"][:40] not in page


def test_the_card_names_the_next_session_and_links_the_brief_for_facilitators(
    app_client: TestClient,
) -> None:
    made = run_analysis(app_client)
    _accept(app_client, made[1]["id"])
    sign_in(app_client, Role.FACILITATOR)
    page = app_client.get("/c/circle").text
    assert "Tuesday 04 March 2031" in page
    assert "/c/circle/agenda/brief?session_date=2031-03-04&amp;format=pdf" in page
    # the accepted one is no longer an open suggestion: the fourth takes its place
    card = page[page.index('id="next-session"') :]
    card = card[: card.index("</section>")]
    assert made[3]["title"] in card and f"#s-{made[1]['id']}" not in card


def test_the_brief_pdf_is_one_page_with_the_accepted_topics(app_client: TestClient) -> None:
    made = run_analysis(app_client)
    for item in made:
        _accept(app_client, item["id"])
    sign_in(app_client, Role.FACILITATOR)
    answer = app_client.get("/c/circle/agenda/brief?session_date=2031-03-04&format=pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    pages, text = _pdf_text(answer.content)
    assert pages == 1
    assert "Tuesday 4 March 2031" in text
    assert "1 more on the agenda" in text  # four accepted, three on the page
    shown = [i["title"] for i in made if i["title"] in text]
    assert len(shown) == 3
    assert "Why now:" in text and "Questions to open with" in text


def test_without_accepted_topics_the_brief_says_so_and_shows_the_best_open_ones(
    app_client: TestClient,
) -> None:
    made = run_analysis(app_client)
    sign_in(app_client, Role.FACILITATOR)
    html = app_client.get("/c/circle/agenda/brief?session_date=2031-03-04").text
    assert "No topic is accepted for this session yet" in html
    assert "@page" in html and "size: A4" in html
    assert made[0]["title"] in html and made[3]["title"] not in html


def test_the_brief_is_for_facilitators(app_client: TestClient) -> None:
    run_analysis(app_client)
    sign_in(app_client, Role.COMMITTEE)
    answer = app_client.get("/c/circle/agenda/brief?session_date=2031-03-04&format=pdf")
    assert answer.status_code == 403


def test_a_long_brief_still_fits_one_page() -> None:
    long = "more mentions lately, across five roles and three levels " * 8
    items = [
        {
            "id": n,
            "title": f"Topic {n}: the reorganisation, job security and what comes after it",
            "why": long,
            "format_label": "Fireside chat with Q&A",
            "format_reason": long,
            "angles": [long] * 5,
            "quotes": [{"text": long, "week": "2026-W41"}],
            "votes": {"up": 3, "down": 1, "total": 2},
        }
        for n in (1, 2, 3)
    ]
    said = {"said": "Expenses", "session_date": "2031-02-04", "discussed": long, "action": long}
    made = briefs.Brief(
        community_name="Admin circle",
        slug="circle",
        session_date=SESSION,
        accepted=True,
        topics=tuple(briefs.topic_of(i) for i in items),
        said_did=(said, said, said),
    )
    pages, text = _pdf_text(briefs.brief_pdf(made))
    assert pages == 1
    assert all(f"Topic {n}:" in text for n in (1, 2, 3))


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: object) -> CliRunner:
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", settings.database_url)  # type: ignore[attr-defined]
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", settings.secret_key)  # type: ignore[attr-defined]
    get_settings.cache_clear()
    db.engine_for.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()
    db.engine_for.cache_clear()


def test_the_cli_writes_the_brief_as_pdf_and_html(
    app_client: TestClient, cli: CliRunner, tmp_path: Path
) -> None:
    made = run_analysis(app_client)
    _accept(app_client, made[2]["id"])
    out = tmp_path / "brief.pdf"
    args = ["agenda", "brief", "--community", "circle", "--session", "2031-03-04"]
    result = cli.invoke(cli_app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 accepted topic(s)" in result.stdout
    pages, text = _pdf_text(out.read_bytes())
    assert pages == 1 and made[2]["title"] in text and made[0]["title"] not in text
    html = tmp_path / "brief.html"
    assert cli.invoke(cli_app, [*args, "--out", str(html)]).exit_code == 0
    assert made[2]["title"] in html.read_text(encoding="utf-8")
    refused = cli.invoke(cli_app, [*args, "--out", str(tmp_path / "brief.docx")])
    assert refused.exit_code == 2
