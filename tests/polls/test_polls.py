"""Member polls: open one (CLI, board), answer it without an account, read it on the board."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from service.auth.roles import Role
from service.cli import app as cli_app
from service.config import get_settings
from service.polls import service as polls
from service.privacy.pseudonyms import respondent_key
from service.storage import db
from service.storage.repositories import communities
from service.storage.tables import (
    Answer,
    PollBallot,
    PollInvite,
    PollVolunteer,
    Question,
    Respondent,
    Submission,
)
from tests.agenda.conftest import run_analysis
from tests.conftest import make_token
from tests.digest.conftest import Inbox, start_server
from tests.web.test_pages import ORIGIN, sign_in

BOARD = "/c/circle/suggestions"


def _engine(client: TestClient):  # noqa: ANN202 - the app's engine
    return client.app.state.engine  # type: ignore[attr-defined]


def _open(client: TestClient) -> dict:
    with db.transaction(_engine(client)) as session:
        community = communities.get(session, "circle")
    return polls.create(_engine(client), community, author="test")


def _answer(client: TestClient, token: str, form: dict[str, str]) -> object:
    return client.post(f"/p/{token}", data=form, headers=ORIGIN)


@pytest.fixture
def made(app_client: TestClient) -> list[dict]:
    return run_analysis(app_client)


def test_a_member_answers_without_an_account_and_the_text_is_stored_redacted(
    app_client: TestClient, made: list
) -> None:
    poll = _open(app_client)
    # the new topics, best first (the fourth is a "follow up?" note, not put to members)
    assert [t["suggestion_id"] for t in poll["topics"]] == [m["id"] for m in made[:3]]
    page = app_client.get(f"/p/{poll['token']}")
    assert page.status_code == 200 and made[0]["title"] in page.text
    first, second = made[0]["id"], made[1]["id"]
    answered = _answer(
        app_client,
        poll["token"],
        {
            f"rank-{second}": "1",
            f"rank-{first}": "2",
            f"angle-{first}": "Ask Priya Raman from payroll how the last restructure went.",
            f"volunteer-{second}": "case_study",
            "contact": "sam@example.org",
        },
    )
    assert answered.status_code == 200 and "Thank you: your answer is in." in answered.text
    with db.transaction(_engine(app_client)) as session:
        stored = session.execute(
            select(Question.kind, Answer.text, Submission.respondent_id)
            .join(Question, Question.id == Answer.question_id)
            .join(Submission, Submission.id == Answer.submission_id)
            .where(Question.text == polls.angle_question(made[0]["title"]))
        ).all()
    assert len(stored) == 1
    kind, text, _ = stored[0]
    assert kind == "free_text"
    assert "Priya" not in text and "[PERSON]" in text and "restructure" in text


def test_the_board_counts_the_poll_only_from_the_minimum_group(
    app_client: TestClient, made: list
) -> None:
    poll = _open(app_client)
    first = made[0]["id"]
    _answer(app_client, poll["token"], {f"rank-{first}": "1", f"volunteer-{first}": "experience"})
    sign_in(app_client, Role.COMMITTEE)
    board = app_client.get(BOARD).text
    assert "fewer than 5 members answered the poll yet" in board
    for _ in range(4):
        _answer(app_client, poll["token"], {f"rank-{first}": "1"})
    board = app_client.get(BOARD).text
    card = board[board.index(f'id="s-{first}"') :]
    card = card[: card.index("</article>")]
    assert "in the top three of 5 of 5 members" in card
    assert "Votes: 0 for, 0 against" in card  # beside the committee's votes
    assert "Volunteers" not in card  # the committee does not see who offered


def test_volunteers_and_their_contact_are_for_facilitators_only(
    app_client: TestClient, made: list
) -> None:
    poll = _open(app_client)
    topic = made[1]["id"]
    _answer(
        app_client,
        poll["token"],
        {f"volunteer-{topic}": "case_study", "contact": "sam@example.org"},
    )
    sign_in(app_client, Role.VIEWER)
    assert "sam@example.org" not in app_client.get(BOARD).text
    sign_in(app_client, Role.FACILITATOR)
    board = app_client.get(BOARD).text
    assert "present a case study: sam@example.org" in board
    assert f"/p/{poll['token']}" in board  # the address to share
    brief = app_client.get("/c/circle/agenda/brief?session_date=2031-03-04").text
    assert "1 member offers to present a case study" in brief
    assert "sam@example.org" not in brief  # printed briefs carry no contact


def test_the_shared_link_is_rate_limited(app_client: TestClient, made: list) -> None:
    poll = _open(app_client)
    form = {f"rank-{made[0]['id']}": "1"}
    answers = [_answer(app_client, poll["token"], form).status_code for _ in range(11)]
    assert answers[:10] == [200] * 10
    assert answers[10] == 429


def test_a_ballot_about_another_topic_or_an_empty_one_is_refused(
    app_client: TestClient, made: list
) -> None:
    poll = _open(app_client)
    empty = _answer(app_client, poll["token"], {})
    assert empty.status_code == 422 and "The answer is empty" in empty.text
    same = _answer(
        app_client, poll["token"], {f"rank-{made[0]['id']}": "1", f"rank-{made[1]['id']}": "1"}
    )
    assert same.status_code == 422 and "Two topics share a rank" in same.text


def test_the_board_button_opens_a_poll_for_facilitators(app_client: TestClient, made: list) -> None:
    sign_in(app_client, Role.COMMITTEE)
    refused = app_client.post("/c/circle/polls", data={}, headers=ORIGIN, follow_redirects=False)
    assert refused.status_code == 403
    sign_in(app_client, Role.FACILITATOR)
    opened = app_client.post("/c/circle/polls", data={}, headers=ORIGIN, follow_redirects=False)
    assert opened.status_code == 303
    board = app_client.get(opened.headers["location"]).text
    assert "Poll opened: share its address with members." in board
    assert 'id="poll-address"' in board


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    box = Inbox()
    controller = start_server(box)
    yield box
    controller.stop()


@pytest.fixture
def cli(app_client: TestClient, monkeypatch: pytest.MonkeyPatch, inbox: Inbox) -> CliRunner:
    settings = app_client.app.state.settings  # type: ignore[attr-defined]
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("PEERPULSE_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("PEERPULSE_SMTP__PORT", str(inbox.port))
    monkeypatch.setenv("PEERPULSE_PUBLIC_URL", "https://pulse.example.org")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_poll_create_and_send_mail_personal_one_answer_links(
    app_client: TestClient, made: list, cli: CliRunner, inbox: Inbox, tmp_path: Path
) -> None:
    created = cli.invoke(
        cli_app, ["poll", "create", "--community", "circle", "--closes", "2099-01-31"]
    )
    assert created.exit_code == 0, created.output
    address, summary = created.stdout.splitlines()
    assert address.startswith("https://pulse.example.org/p/")
    assert summary.endswith("3 topic(s), closes 2099-01-31")
    poll_id = summary.split()[1].rstrip(":")
    roster = tmp_path / "roster.csv"
    roster.write_text("email,role\nana@example.org,EA\nben@example.org,Office manager\n")
    sent = cli.invoke(cli_app, ["poll", "send", poll_id, "--roster", str(roster)])
    assert sent.exit_code == 0, sent.output
    assert "2 link(s) sent, 0 already invited" in sent.stdout
    inbox.wait_for(2)
    again = cli.invoke(cli_app, ["poll", "send", poll_id, "--roster", str(roster)])
    assert "0 link(s) sent, 2 already invited" in again.stdout
    body = inbox.to("ana@example.org")[0].message.get_content()
    link = next(w for w in body.split() if "/p/" in w)
    token = link.rsplit("/p/", 1)[1]
    assert token not in address
    with db.transaction(_engine(app_client)) as session:
        stored = list(session.scalars(select(PollInvite.token_hash)))
    assert len(stored) == 2 and token not in stored  # only the link's hash is kept
    form = {f"angle-{made[0]['id']}": "How other teams handled the reorg timeline."}
    assert _answer(app_client, token, form).status_code == 200
    twice = _answer(app_client, token, form)
    assert twice.status_code == 409 and "already been used" in twice.text
    with db.transaction(_engine(app_client)) as session:
        keys = list(
            session.scalars(
                select(Respondent.key)
                .join(Submission, Submission.respondent_id == Respondent.id)
                .join(Answer, Answer.submission_id == Submission.id)
                .join(Question, Question.id == Answer.question_id)
                .where(Question.text == polls.angle_question(made[0]["title"]))
            )
        )
    secret = app_client.app.state.settings.secret_key  # type: ignore[attr-defined]
    assert keys == [respondent_key(secret, "email:ana@example.org")]  # the roster's member


def test_the_digest_tells_the_poll_and_its_ranking_from_the_minimum_group(
    app_client: TestClient, made: list
) -> None:
    poll = _open(app_client)
    preview = "/api/v1/communities/circle/digest/preview"
    facilitator = {"Authorization": f"Bearer {sign_in(app_client, Role.FACILITATOR)}"}
    _answer(app_client, poll["token"], {f"rank-{made[1]['id']}": "1"})
    text = app_client.get(preview, headers=facilitator).json()["text"]
    section = text[text.index("MEMBERS' POLL") :]
    assert f"/p/{poll['token']}" in section
    assert "Open: fewer than 5" in section and "rank first" not in section
    for _ in range(4):
        _answer(
            app_client,
            poll["token"],
            {f"rank-{made[1]['id']}": "1", f"rank-{made[0]['id']}": "2"},
        )
    text = app_client.get(preview, headers=facilitator).json()["text"]
    section = text[text.index("MEMBERS' POLL") :]
    assert "Open: 5 answers." in section
    assert f"Members rank first: {made[1]['title']}; {made[0]['title']}" in section


def test_forgetting_a_member_removes_their_ballot_and_contact(
    app_client: TestClient, made: list, cli: CliRunner, inbox: Inbox, tmp_path: Path
) -> None:
    created = cli.invoke(cli_app, ["poll", "create", "--community", "circle"])
    poll_id = created.stdout.splitlines()[1].split()[1].rstrip(":")
    roster = tmp_path / "roster.csv"
    roster.write_text("email\nana@example.org\n")
    assert cli.invoke(cli_app, ["poll", "send", poll_id, "--roster", str(roster)]).exit_code == 0
    inbox.wait_for(1)
    body = inbox.to("ana@example.org")[0].message.get_content()
    token = next(w for w in body.split() if "/p/" in w).rsplit("/p/", 1)[1]
    topic = made[0]["id"]
    form = {f"volunteer-{topic}": "experience", "contact": "ana.private@example.org"}
    assert _answer(app_client, token, form).status_code == 200
    admin = {"Authorization": f"Bearer {make_token(app_client, Role.ADMIN, None)}"}
    forgot = app_client.delete(
        "/api/v1/communities/circle/respondents/ana@example.org", headers=admin
    )
    assert forgot.status_code == 200, forgot.text
    with db.transaction(_engine(app_client)) as session:
        assert session.scalars(select(PollVolunteer.contact)).all() == []
        assert session.scalars(select(PollBallot.id)).all() == []
        assert session.scalars(select(PollInvite.id)).all() == []  # the member's key with it
