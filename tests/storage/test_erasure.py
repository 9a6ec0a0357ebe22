"""Right to erasure removes a respondent's data and nothing else."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from service.cli import app as cli_app
from service.privacy.redactor import Redactor
from service.storage import db
from service.storage.repositories import communities, respondents
from service.storage.tables import (
    Answer,
    Respondent,
    Submission,
    ThemeQuote,
    ThemeSummarySentence,
)
from tests.conftest import fixture_bytes
from tests.factories import answered, theme_row


def _stored(client: TestClient) -> tuple[int, int]:
    """Respondents and submissions stored, read from the database.

    The community summary withholds both below the minimum group, so the fixture's handful of
    members is counted where it lives.
    """
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine) as session:
        respondents = session.scalar(select(func.count()).select_from(Respondent))
        responses = session.scalar(select(func.count()).select_from(Submission))
    return int(respondents or 0), int(responses or 0)


def _upload(client: TestClient, headers: dict[str, str], path: str) -> None:
    response = client.post(
        "/api/v1/communities/circle/imports",
        headers=headers,
        files={"file": (path.rsplit("/", 1)[-1], fixture_bytes(path))},
    )
    assert response.status_code == 201, response.text


def test_admin_endpoint_forgets_a_respondent(
    app_client: TestClient, facilitator_headers: dict[str, str], admin_headers: dict[str, str]
) -> None:
    _upload(app_client, facilitator_headers, "google_forms/overlap_a.csv")
    before = _stored(app_client)
    response = app_client.delete(
        "/api/v1/communities/circle/respondents/carla.mendes@example.org", headers=admin_headers
    )
    after = _stored(app_client)
    assert response.status_code == 200
    assert response.json()["removed"]["responses"] == 1
    assert after == (before[0] - 1, before[1] - 1)
    again = app_client.delete(
        "/api/v1/communities/circle/respondents/carla.mendes@example.org", headers=admin_headers
    )
    assert again.status_code == 404


def test_facilitator_cannot_forget(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    _upload(app_client, facilitator_headers, "google_forms/overlap_a.csv")
    response = app_client.delete(
        "/api/v1/communities/circle/respondents/carla.mendes@example.org",
        headers=facilitator_headers,
    )
    assert response.status_code == 403


def test_reimport_after_forgetting_is_possible_and_counted_once(
    app_client: TestClient, facilitator_headers: dict[str, str], admin_headers: dict[str, str]
) -> None:
    _upload(app_client, facilitator_headers, "google_forms/overlap_a.csv")
    app_client.delete(
        "/api/v1/communities/circle/respondents/carla.mendes@example.org", headers=admin_headers
    )
    _upload(app_client, facilitator_headers, "google_forms/overlap_a.csv")
    assert _stored(app_client)[1] == 4


def test_cli_forget(tmp_path, monkeypatch) -> None:  # noqa: ANN001 - pytest fixtures
    from service.config import get_settings
    from service.storage import db

    monkeypatch.setenv("PEERPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    db.engine_for.cache_clear()
    runner = CliRunner()
    from tests.conftest import FIXTURES

    loaded = runner.invoke(
        cli_app, ["ingest", str(FIXTURES / "checkins/notes.json"), "--community", "circle"]
    )
    assert loaded.exit_code == 0, loaded.stderr
    result = runner.invoke(cli_app, ["respondents", "forget", "dana.whitfield@example.org"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("circle: 2 responses")
    missing = runner.invoke(cli_app, ["respondents", "forget", "dana.whitfield@example.org"])
    assert missing.exit_code == 2
    get_settings.cache_clear()
    db.engine_for.cache_clear()


def test_forgetting_a_member_removes_their_quotes_and_summary_sentences(
    engine: Engine, redactor: Redactor
) -> None:
    """Regression: quotes and summary sentences are copies kept with the themes; an erased
    member's words stayed there, shown to the committee, until the next analysis."""
    texts = ["The expense tool lost my receipts again.", "Travel bookings clash with the board."]
    community_id = answered(engine, redactor, texts)
    with db.transaction(engine, write=True) as session:
        answers = {a.text: a for a in session.scalars(select(Answer))}
        theme = theme_row(community_id, "Work", summary={"quotes": [{"text": t} for t in texts]})
        theme.summary_sentences = [
            ThemeSummarySentence(position=i, text=t, answer_ids=[answers[t].id])
            for i, t in enumerate(texts)
        ]
        session.add(theme)
        session.flush()
        respondent_key = session.get_one(Respondent, answers[texts[0]].respondent_id).key
    with db.transaction(engine, write=True) as session:
        respondents.forget(session, communities.get(session, "circle"), respondent_key)
    with db.transaction(engine) as session:
        assert list(session.scalars(select(ThemeQuote.text))) == [texts[1]]
        assert list(session.scalars(select(ThemeSummarySentence.text))) == [texts[1]]
