"""Theme, overview, digest and settings pages over stored data (no browser, no models)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.auth.roles import Role
from service.storage import db
from service.storage.repositories import communities
from service.storage.tables import Recipient, Respondent
from tests.factories import theme_row
from tests.web.test_pages import ORIGIN, sign_in

CONCERN = {
    "label": "Job security",
    "score": 0.8,
    "concerned_respondents": 7,
    "severe_respondents": None,
    "intensity": 2.1,
    "trend": "rising",
    "concern_share": 0.6,
    "sentiment": -0.4,
    "suppressed": False,
    "reason": "7 members voice worry about job security; rising.",
}


def _theme(client: TestClient) -> int:
    """A theme as the analysis stores it, and twelve members in two roles who never raised it."""
    with db.transaction(client.app.state.engine, write=True) as session:  # type: ignore[attr-defined]
        community = communities.get_or_create(session, "circle")
        for number in range(12):
            session.add(
                Respondent(
                    community_id=community.id,
                    key=f"k{number}",
                    role="Office Manager" if number % 2 else "Executive Assistant",
                )
            )
        theme = theme_row(
            community_id=community.id,
            label="reorg role job",
            name="Job security",
            keywords=["restructure announcement", "job security"],
            centroid=b"",
            summary={
                "units": 14,
                "respondents": 7,
                "share": 0.25,
                "trend": "rising",
                "weekly": [{"week": "2026-W37", "count": 9}, {"week": "2026-W38", "count": None}],
                "quotes": [{"text": "I fear for my job after the restructure", "week": "2026-W37"}],
                "suppressed": False,
                "concern": CONCERN,
            },
        )
        session.add(theme)
        session.flush()
        return theme.id


def test_theme_page_shows_trend_phrases_quotes_worry_and_suppressed_cells(
    app_client: TestClient,
) -> None:
    theme_id = _theme(app_client)
    sign_in(app_client, Role.COMMITTEE)
    page = app_client.get(f"/c/circle/themes/{theme_id}").text
    assert "<h1>Job security</h1>" in page
    assert "<li>restructure announcement</li>" in page
    assert "I fear for my job after the restructure" in page
    assert CONCERN["reason"] in page
    assert '"x": ["2026-W37"]' in page  # the chart leaves the suppressed week out
    assert page.count('class="suppressed">Suppressed: fewer than 5 responses') == 2
    assert page.count('class="suppressed">fewer than 5 responses') == 1  # the week W38


def test_viewer_sees_the_theme_page_without_members_words(app_client: TestClient) -> None:
    theme_id = _theme(app_client)
    sign_in(app_client, Role.VIEWER)
    page = app_client.get(f"/c/circle/themes/{theme_id}").text
    assert "<li>restructure announcement</li>" in page  # labels and key phrases stay
    assert "25% of what members wrote" in page
    assert "I fear for my job after the restructure" not in page
    assert "shown to the committee and facilitators only" in page


def test_overview_lists_top_themes_and_what_keeps_them_up_at_night(
    app_client: TestClient,
) -> None:
    theme_id = _theme(app_client)
    sign_in(app_client, Role.VIEWER)
    page = app_client.get("/c/circle").text
    top = page.split('id="themes-h"')[1].split("</section>")[0]
    night = page.split('id="night-h"')[1].split("</section>")[0]
    assert f'href="/c/circle/themes/{theme_id}">Job security</a>' in top
    assert "25% of what members wrote" in top
    assert CONCERN["reason"] in night


def test_settings_show_thresholds_from_the_settings(app_client: TestClient) -> None:
    app_client.app.state.settings.min_quote_group_size = 12  # type: ignore[attr-defined]
    sign_in(app_client, Role.FACILITATOR)
    page = app_client.get("/c/circle/settings").text
    assert "<td>Smallest segment a quote may be attributed to</td><td>12</td>" in page
    assert "<td>Smallest group any figure may describe</td><td>5</td>" in page


def test_facilitator_adds_and_unsubscribes_a_recipient(app_client: TestClient) -> None:
    sign_in(app_client, Role.FACILITATOR)
    added = app_client.post(
        "/c/circle/settings/recipients",
        headers=ORIGIN,
        follow_redirects=False,
        data={
            "email": "ana@example.org",
            "role": "committee",
            "weekday": "2",
            "hour": "9",
            "timezone": "Europe/London",
        },
    )
    assert added.status_code == 303
    page = app_client.get(added.headers["location"]).text
    assert "Recipient added." in page
    assert "<td>ana@example.org</td><td>committee digest</td>" in page
    assert "Wednesday 09:00 Europe/London" in page
    again = app_client.post(
        "/c/circle/settings/recipients", headers=ORIGIN, data={"email": "ANA@example.org"}
    )
    assert again.status_code == 409 and "already receives" in again.text
    with db.transaction(app_client.app.state.engine) as session:  # type: ignore[attr-defined]
        recipient_id = session.query(Recipient.id).scalar()
    app_client.post(f"/c/circle/settings/recipients/{recipient_id}/unsubscribe", headers=ORIGIN)
    assert "unsubscribed 20" in app_client.get("/c/circle/settings").text


def test_a_bad_time_zone_is_refused_with_a_hint(app_client: TestClient) -> None:
    sign_in(app_client, Role.FACILITATOR)
    answer = app_client.post(
        "/c/circle/settings/recipients",
        headers=ORIGIN,
        data={"email": "bo@example.org", "timezone": "Mars/Olympus"},
    )
    assert answer.status_code == 422 and "Unknown time zone" in answer.text
    assert "Europe/London" in answer.text


def test_recipient_of_another_community_cannot_be_unsubscribed(app_client: TestClient) -> None:
    with db.transaction(app_client.app.state.engine, write=True) as session:  # type: ignore[attr-defined]
        other = communities.get_or_create(session, "elsewhere")
        recipient = Recipient(community_id=other.id, email="x@example.org")
        session.add(recipient)
        session.flush()
        recipient_id = recipient.id
    sign_in(app_client, Role.FACILITATOR)
    answer = app_client.post(
        f"/c/circle/settings/recipients/{recipient_id}/unsubscribe", headers=ORIGIN
    )
    assert answer.status_code == 404


def test_digest_preview_shows_the_rendered_digest_per_role(app_client: TestClient) -> None:
    _theme(app_client)
    sign_in(app_client, Role.FACILITATOR)
    page = app_client.get("/c/circle/digest?role=committee").text
    assert 'id="digest-subject">' in page and "srcdoc=" in page and "sandbox" in page
    assert '<option value="committee" selected>' in page
    assert "Job security" in page.split('id="digest-text">')[1]
    refused = app_client.get("/c/circle/digest?role=admin")
    assert refused.status_code == 422


def test_overview_lists_one_question_s_own_themes_when_picked(app_client: TestClient) -> None:
    from service.storage.tables import Question

    wide = _theme(app_client)
    with db.transaction(app_client.app.state.engine, write=True) as session:  # type: ignore[attr-defined]
        community = communities.get(session, "circle")
        question = Question(
            community_id=community.id, text="What keeps you up?", text_hash="q", kind="free_text"
        )
        session.add(question)
        session.flush()
        own = theme_row(
            community.id,
            "month end close",
            question_id=question.id,
            parent_id=wide,
            summary={"units": 9, "respondents": 6, "share": 0.4},
        )
        session.add(own)
        session.flush()
        question_id, own_id = question.id, own.id
    sign_in(app_client, Role.VIEWER)
    every = app_client.get("/c/circle").text.split('id="themes-h"')[1].split("</section>")[0]
    assert f"/themes/{wide}" in every and f"/themes/{own_id}" not in every
    assert f'<option value="{question_id}">What keeps you up?</option>' in every
    picked = app_client.get(f"/c/circle?question={question_id}").text
    top = picked.split('id="themes-h"')[1].split("</section>")[0]
    assert f"/themes/{own_id}" in top and f"/themes/{wide}" not in top
    assert app_client.get("/c/circle?question=").status_code == 200  # "every question"
    assert app_client.get("/c/circle?question=abc").status_code == 200
