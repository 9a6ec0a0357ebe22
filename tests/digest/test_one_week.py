"""One week everywhere: the digest names the latest week with answers, and a weekly figure
reads the same number in the digest as on the overview."""

from __future__ import annotations

import re
from datetime import date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from service.auth.roles import Role
from service.digest import service
from service.digest.content import build_content
from service.digest.figures import shown
from service.privacy.thresholds import Confidentiality
from service.storage import db
from service.storage.repositories import communities
from service.storage.repositories import digest as digest_rows
from service.storage.tables import Question, Suggestion
from tests.digest.conftest import SAMPLE_THEMES, add_ratings, add_themes
from tests.web.test_pages import sign_in

# 4 promoters and 1 detractor of 8: an NPS of 37.5 (cut down it read +37, rounded to even +38)
NPS_ANSWERS = [10.0, 10.0, 10.0, 10.0, 8.0, 7.0, 5.0, 8.0]


def _nps_week(engine: Engine) -> None:
    add_themes(engine, SAMPLE_THEMES)  # weekly counts up to 2026-W41
    add_ratings(engine, {datetime(2026, 10, 6, 10): NPS_ANSWERS})  # 2026-W41
    with db.transaction(engine, write=True) as session:
        session.execute(
            update(Question).values(kind="nps", text="How likely are you to recommend us?")
        )


def _digest_text(client: TestClient, period: str) -> tuple[str, str]:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    settings = client.app.state.settings  # type: ignore[attr-defined]
    with db.transaction(engine) as session:
        community = communities.get(session, "circle")
        rendered = service.preview(
            session, community, role="facilitator", settings=settings, period=period
        )
    return rendered.subject, rendered.text


def test_the_digest_names_the_latest_week_with_data_not_the_week_it_is_sent(
    app_client: TestClient,
) -> None:
    sign_in(app_client, Role.FACILITATOR)
    _nps_week(app_client.app.state.engine)  # type: ignore[attr-defined]
    subject, text = _digest_text(app_client, "2026-W49")
    assert "week 41" in subject and "week 49" not in subject
    assert "Week 41, 5\u201311 October 2026" in text and "Week 49" not in text
    assert "In week 41, the latest with answers:" in text


def test_nps_reads_the_same_on_the_overview_and_in_the_digest(app_client: TestClient) -> None:
    sign_in(app_client, Role.FACILITATOR)
    _nps_week(app_client.app.state.engine)  # type: ignore[attr-defined]
    _, text = _digest_text(app_client, "2026-W41")
    digest_nps = re.search(r"Net Promoter Score: ([+-]\d+) \(2026-W41", text)
    assert digest_nps is not None
    page = app_client.get("/c/circle").text
    row = re.search(r"<td>2026-W41</td>(.*?)</tr>", page, re.DOTALL)
    assert row is not None
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))
    assert cells[1] == digest_nps.group(1) == "+38"


def test_a_follow_up_note_never_tops_the_digests_awaiting_list(engine: Engine) -> None:
    # a faded theme keeps its large score; the board lists it last, and so must the digest
    with db.transaction(engine, write=True) as session:
        community = communities.get_or_create(session, "circle")
        for title, score, priority in [("Old offsite", 0.9, 0), ("Rota", 0.4, 1)]:
            session.add(
                Suggestion(
                    community_id=community.id,
                    title=title,
                    why="",
                    format="open_discussion",
                    score=score,
                    status="open",
                    evidence={
                        "priority": priority,
                        "current": True,
                        **({"follow_up": {"peak_week": "2026-W38"}} if priority == 0 else {}),
                    },
                )
            )
    with db.transaction(engine) as session:
        listed = digest_rows.suggestions(session, communities.get(session, "circle"), "open")
    assert [row.title for row in listed] == ["Rota", "Old offsite"]
    content = build_content(
        community_name="Circle",
        slug="circle",
        period="2026-W41",
        role="facilitator",
        dashboard_url="http://x/c/circle",
        privacy=Confidentiality(min_group=5, min_quote_group=10),
        themes=[],
        awaiting=listed,
        accepted=[],
        metrics={},
        today=date(2026, 10, 5),
    )
    assert [s.format for s in content.awaiting] == ["open discussion", "follow up?"]


def test_the_api_gives_the_figure_the_overview_and_the_digest_show(
    app_client: TestClient,
) -> None:
    """One function computes a week's figure: the API's number is the one the overview and the
    digest format (37.5 -> +38 in both)."""
    token = sign_in(app_client, Role.FACILITATOR)
    _nps_week(app_client.app.state.engine)  # type: ignore[attr-defined]
    body = app_client.get(
        "/api/v1/communities/circle/metrics", headers={"Authorization": f"Bearer {token}"}
    ).json()
    week = next(c for c in body["weekly"]["nps"] if c["week"] == "2026-W41")
    assert week["value"] == 37.5
    _, text = _digest_text(app_client, "2026-W41")
    digest_nps = re.search(r"Net Promoter Score: ([+-]\d+) \(2026-W41", text)
    page = app_client.get("/c/circle").text
    row = re.search(r"<td>2026-W41</td>(.*?)</tr>", page, re.DOTALL)
    assert digest_nps is not None and row is not None
    overview_nps = re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))[1]
    assert shown(week["value"], "nps") == digest_nps.group(1) == overview_nps == "+38"
