"""After a session: a facilitator records what was discussed and what will happen; the next
digest shows "You said -> we did"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from service.auth.roles import Role
from tests.agenda.conftest import headers, run_analysis
from tests.web.test_pages import ORIGIN, sign_in

PREVIEW = "/api/v1/communities/circle/digest/preview"


def _outcomes_url(day: date) -> str:
    return f"/api/v1/communities/circle/sessions/{day.isoformat()}/outcomes"


@pytest.fixture
def made(app_client: TestClient) -> list[dict]:
    return run_analysis(app_client)


def test_the_next_digest_says_you_said_we_did(app_client: TestClient, made: list) -> None:
    held = date.today() - timedelta(days=3)
    stored = app_client.post(
        _outcomes_url(held),
        json={
            "suggestion_id": made[2]["id"],
            "discussed": "We tried three AI assistants live and compared their minutes.",
            "action": "IT will pilot one assistant with ten volunteers in March.",
        },
        headers=headers(app_client, Role.FACILITATOR),
    )
    assert stored.status_code == 201, stored.text
    assert stored.json()["said"] == made[2]["title"]
    facilitator = app_client.get(PREVIEW, headers=headers(app_client, Role.FACILITATOR)).json()
    text = facilitator["text"]
    section = text[text.index("YOU SAID -> WE DID") : text.index("AWAITING THE COMMITTEE")]
    assert f"You said: {made[2]['title']}" in section
    assert "We did: We tried three AI assistants live" in section
    assert "Next: IT will pilot one assistant" in section
    assert f"Session of {held:%a} {held.day} {held:%B %Y}" in section
    assert "You said \u2192 we did" in facilitator["html"]
    assert "IT will pilot one assistant" in facilitator["html"]
    # sponsors read it too: it is the facilitator's words, not a member's
    viewer = app_client.get(
        PREVIEW, params={"role": "viewer"}, headers=headers(app_client, Role.FACILITATOR)
    ).json()
    assert "IT will pilot one assistant" in viewer["text"]


def test_only_the_latest_session_held_lately_is_told(app_client: TestClient, made: list) -> None:
    facilitator = headers(app_client, Role.FACILITATOR)
    old = date.today() - timedelta(days=60)
    app_client.post(
        _outcomes_url(old),
        json={"said": "Old topic", "discussed": "Long ago.", "action": ""},
        headers=facilitator,
    )
    text = app_client.get(PREVIEW, headers=facilitator).json()["text"]
    assert "YOU SAID" not in text and "Long ago." not in text
    coming = date.today() + timedelta(days=5)  # not held yet: nothing to tell
    app_client.post(
        _outcomes_url(coming), json={"said": "Future", "discussed": "Not yet."}, headers=facilitator
    )
    assert "Not yet." not in app_client.get(PREVIEW, headers=facilitator).json()["text"]


def test_recording_needs_a_facilitator_and_says_what_is_missing(
    app_client: TestClient, made: list
) -> None:
    day = date.today().isoformat()
    body = {"suggestion_id": made[0]["id"], "discussed": "Talked."}
    refused = app_client.post(
        f"/api/v1/communities/circle/sessions/{day}/outcomes",
        json=body,
        headers=headers(app_client, Role.COMMITTEE),
    )
    assert refused.status_code == 403
    empty = app_client.post(
        f"/api/v1/communities/circle/sessions/{day}/outcomes",
        json={"discussed": "   "},
        headers=headers(app_client, Role.FACILITATOR),
    )
    assert empty.status_code == 422 and "discussed" in empty.json()["error"]
    listed = app_client.get(
        f"/api/v1/communities/circle/sessions/{day}/outcomes",
        headers=headers(app_client, Role.VIEWER),
    )
    assert listed.status_code == 200 and listed.json() == []


def test_the_agenda_page_records_an_outcome_and_shows_it_there(
    app_client: TestClient, made: list
) -> None:
    sign_in(app_client, Role.FACILITATOR)
    day = date.today().isoformat()
    posted = app_client.post(
        "/c/circle/agenda/outcomes",
        data={
            "session_date": day,
            "suggestion_id": str(made[1]["id"]),
            "discussed": "Shared calendar rules.",
            "action": "A one-page guide by Friday.",
        },
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert posted.headers["location"].endswith("&done=outcome#outcomes")
    page = app_client.get(posted.headers["location"]).text
    section = page[page.index('id="outcomes"') :]
    assert "Recorded: the next digest and the next poll tell members." in page
    assert made[1]["title"] in section and "A one-page guide by Friday." in section
    # the section is the page's, once, and the title is text (it once held the section too)
    assert page.count('id="outcomes"') == 1
    title = page[page.index("<title>") + len("<title>") : page.index("</title>")]
    assert "<" not in title and title.startswith("Agenda")
