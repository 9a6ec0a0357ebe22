"""The suggestion board and the agenda page, through forms as a browser without JS posts them."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from service.auth.roles import Role
from service.storage import db
from service.storage.tables import ApiToken, AuditEntry, Suggestion
from tests.agenda.conftest import run_analysis
from tests.web.test_pages import ORIGIN, sign_in

BOARD = "/c/circle/suggestions"


@pytest.fixture
def made(app_client: TestClient) -> list[dict]:
    """Suggestions stored by the agenda builder (the analysis job's last step)."""
    return run_analysis(app_client)


def _row(client: TestClient, suggestion_id: int) -> Suggestion:
    with db.transaction(client.app.state.engine) as session:  # type: ignore[attr-defined]
        row = session.get(Suggestion, suggestion_id)
        session.expunge(row)
        return row


def _post(client: TestClient, path: str, data: dict) -> object:
    return client.post(f"{BOARD}{path}", data=data, headers=ORIGIN, follow_redirects=False)


def test_viewer_reads_the_board_without_actions(app_client: TestClient, made: list) -> None:
    sign_in(app_client, Role.VIEWER)
    page = app_client.get(BOARD).text
    assert made[0]["title"] in page
    assert "Vote for" not in page and "Merge two suggestions" not in page
    refused = _post(app_client, f"/{made[0]['id']}/vote", {"value": "1"})
    assert refused.status_code == 403
    assert "This needs the committee role" in refused.text


def test_committee_votes_and_the_board_counts_it(app_client: TestClient, made: list) -> None:
    sign_in(app_client, Role.COMMITTEE)
    first = made[0]["id"]
    voted = _post(app_client, f"/{first}/vote", {"value": "1"})
    assert voted.status_code == 303 and voted.headers["location"].endswith(f"#s-{first}")
    _post(app_client, f"/{first}/vote", {"value": "1"})  # voting again replaces the vote
    page = app_client.get(voted.headers["location"]).text
    assert "Your vote is counted." in page
    assert "Votes: 1 for, 0 against" in page and "you voted for" in page


def test_accept_puts_it_on_the_agenda_of_that_session(app_client: TestClient, made: list) -> None:
    sign_in(app_client, Role.COMMITTEE)
    chosen = made[1]
    _post(
        app_client,
        f"/{chosen['id']}/decision",
        {"decision": "accept", "session_date": "2031-03-04", "confirm": "yes"},
    )
    assert _row(app_client, chosen["id"]).status == "accepted"
    agenda = app_client.get("/c/circle/agenda").text  # the next session is the default
    assert "Agenda for Tuesday 04 March 2031" in agenda and chosen["title"] in agenda
    assert made[0]["title"] not in agenda
    other_day = app_client.get("/c/circle/agenda?session_date=2031-03-05").text
    assert chosen["title"] not in other_day and "No suggestion is accepted" in other_day


def test_reject_needs_a_reason_and_keeps_it(app_client: TestClient, made: list) -> None:
    sign_in(app_client, Role.COMMITTEE)
    target = made[0]["id"]
    missing = _post(app_client, f"/{target}/decision", {"decision": "reject"})
    assert missing.status_code == 422 and "needs a reason" in missing.text
    _post(app_client, f"/{target}/decision", {"decision": "reject", "reason": "Covered in May"})
    row = _row(app_client, target)
    assert (row.status, row.reason) == ("rejected", "Covered in May")
    assert "Covered in May" in app_client.get(BOARD).text


def test_defer_rename_and_comment(app_client: TestClient, made: list) -> None:
    sign_in(app_client, Role.COMMITTEE)
    target = made[0]["id"]
    _post(app_client, f"/{target}/decision", {"decision": "defer"})
    _post(app_client, f"/{target}/rename", {"title": "  Our  jobs after the reorg "})
    _post(app_client, f"/{target}/comment", {"text": "Invite HR?"})
    row = _row(app_client, target)
    assert (row.status, row.title) == ("deferred", "Our jobs after the reorg")
    page = app_client.get(BOARD).text
    assert "Invite HR?" in page and "1 comment" in page
    with db.transaction(app_client.app.state.engine) as session:  # type: ignore[attr-defined]
        actions = list(
            session.scalars(
                select(AuditEntry.action).where(AuditEntry.target == f"suggestion:{target}")
            )
        )
    assert {"suggestion.defer", "suggestion.rename", "suggestion.comment"} <= set(actions)


def test_merge_keeps_the_first(app_client: TestClient, made: list) -> None:
    sign_in(app_client, Role.COMMITTEE)
    first, second = made[0]["id"], made[1]["id"]
    unconfirmed = _post(app_client, "/merge", {"first": first, "second": second})
    assert unconfirmed.status_code == 422 and "Confirm the merge" in unconfirmed.text
    assert _row(app_client, second).merged_into is None
    merged = _post(
        app_client,
        "/merge",
        {"first": first, "second": second, "title": "Reorg and calendars", "confirm": "yes"},
    )
    assert merged.status_code == 303
    assert _row(app_client, second).merged_into == first
    assert _row(app_client, first).title == "Reorg and calendars"
    same = _post(app_client, "/merge", {"first": first, "second": first, "confirm": "yes"})
    assert same.status_code == 422 and "two different suggestions" in same.text


def test_a_bad_form_value_says_which_field(app_client: TestClient, made: list) -> None:
    sign_in(app_client, Role.COMMITTEE)
    answer = _post(app_client, f"/{made[0]['id']}/vote", {"value": "7"})
    assert answer.status_code == 422 and "value" in answer.text
    assert answer.headers["content-type"].startswith("text/html")


def test_agenda_without_accepted_suggestions_says_so(app_client: TestClient) -> None:
    sign_in(app_client, Role.VIEWER)
    page = app_client.get("/c/circle/agenda").text
    assert "No suggestion is accepted for any session yet" in page


def test_next_session_is_the_first_on_or_after_today() -> None:
    from service.web.queries import next_session

    days = [date(2030, 1, 1), date(2030, 2, 1), date(2030, 3, 1)]
    assert next_session(days, date(2030, 1, 15)) == date(2030, 2, 1)
    assert next_session(days, date(2031, 1, 1)) == date(2030, 3, 1)
    assert next_session([], date(2030, 1, 1)) is None


def _quorum(client: TestClient, votes: int) -> None:
    client.app.state.settings.accept_min_votes = votes  # type: ignore[attr-defined]


def test_one_member_cannot_accept_alone_without_votes(app_client: TestClient, made: list) -> None:
    _quorum(app_client, 2)
    sign_in(app_client, Role.COMMITTEE)
    target = made[0]["id"]
    page = app_client.get(BOARD).text
    assert f'id="date-{target}" name="session_date" type="date" min=' in page
    assert f'value="{date.today().isoformat()}" required' not in page  # no date by default
    assert "Needs 2 votes for it to be accepted; it has 0." in page
    accept = {"decision": "accept", "session_date": "2031-03-04", "confirm": "yes"}
    refused = _post(app_client, f"/{target}/decision", accept)
    assert refused.status_code == 409 and "needs 2 votes" in refused.text
    unconfirmed = _post(app_client, f"/{target}/decision", {**accept, "confirm": ""})
    assert unconfirmed.status_code == 422 and "Confirm the session date" in unconfirmed.text
    override = _post(app_client, f"/{target}/decision", {**accept, "override": "yes"})
    assert override.status_code == 403  # only an admin may accept without the votes
    assert _row(app_client, target).status == "open"


def test_accept_with_the_quorum_and_an_admin_override_is_audited(
    app_client: TestClient, made: list
) -> None:
    _quorum(app_client, 2)
    first, second = made[0]["id"], made[1]["id"]
    accept = {"decision": "accept", "session_date": "2031-03-04", "confirm": "yes"}
    for role in (Role.COMMITTEE, Role.COMMITTEE):
        sign_in(app_client, role)  # two members, two votes
        _post(app_client, f"/{first}/vote", {"value": "1"})
    done = _post(app_client, f"/{first}/decision", accept)
    assert done.status_code == 303 and _row(app_client, first).status == "accepted"
    sign_in(app_client, Role.ADMIN)
    forced = _post(app_client, f"/{second}/decision", {**accept, "override": "yes"})
    assert forced.status_code == 303 and _row(app_client, second).status == "accepted"
    with db.transaction(app_client.app.state.engine) as session:  # type: ignore[attr-defined]
        details = {
            e.target: e.detail
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.action == "suggestion.accept")
            )
        }
    assert details[f"suggestion:{first}"]["votes_for"] == 2
    assert "override" not in details[f"suggestion:{first}"]
    assert details[f"suggestion:{second}"]["override"] is True


def test_a_decision_can_be_reopened(app_client: TestClient, made: list) -> None:
    sign_in(app_client, Role.COMMITTEE)
    target = made[0]["id"]
    accept = {"decision": "accept", "session_date": "2031-03-04", "confirm": "yes"}
    _post(app_client, f"/{target}/decision", accept)
    assert "Reopen" in app_client.get(BOARD).text
    reopened = _post(app_client, f"/{target}/decision", {"decision": "reopen"})
    row = _row(app_client, target)
    assert (row.status, row.session_date) == ("open", None)
    page = app_client.get(reopened.headers["location"]).text  # type: ignore[attr-defined]
    card = page[page.index(f'id="s-{target}"') :]
    assert "Reopened: it is open again" in card[: card.index("</article>")]
    again = _post(app_client, f"/{target}/decision", {"decision": "reopen"})
    assert again.status_code == 409  # an open suggestion has no decision to reopen


def test_comment_authors_show_by_name_not_token_id(app_client: TestClient, made: list) -> None:
    sign_in(app_client, Role.COMMITTEE)
    with db.transaction(app_client.app.state.engine, write=True) as session:  # type: ignore[attr-defined]
        session.execute(update(ApiToken).where(ApiToken.kind == "api").values(name="Maria Chair"))
    _post(app_client, f"/{made[0]['id']}/comment", {"text": "Invite HR?"})
    page = app_client.get(BOARD).text
    assert 'Invite HR? <span class="muted">— Maria Chair,' in page
    assert "token:" not in page
