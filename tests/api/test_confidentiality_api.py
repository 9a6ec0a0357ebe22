"""Property: no response body or digest exposes a group below the minimum, for any community."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.auth.roles import Role
from service.config import Settings
from service.main import create_app
from service.modelstore import ModelStore
from service.storage import db
from tests.conftest import make_token
from tests.factories import theme_row

ROLES = ["Executive Assistant", "Office Manager", "Receptionist", "Team Assistant"]
DEPARTMENTS = ["Finance", "Legal", "Sales", "Operations", "IT"]

member = st.tuples(
    st.sampled_from(ROLES),
    st.sampled_from(DEPARTMENTS + [""]),
    st.integers(min_value=0, max_value=5),
)


def _export(members: list[tuple[str, str, int]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["respondent_id", "submitted_at", "role", "department", "satisfaction"])
    for number, (role, department, week) in enumerate(members):
        writer.writerow(
            [
                f"R-{number}",
                f"2026-09-{7 + 7 * week:02d}T10:00:00",
                role,
                department,
                1 + number % 5,
            ]
        )
    return buffer.getvalue().encode()


def _check_cells(cells: list[dict], minimum: int) -> None:
    for cell in cells:
        if cell["suppressed"]:
            assert cell["count"] is None and cell["note"] == f"fewer than {minimum} responses"
        else:
            assert cell["count"] >= minimum


def _check_metrics(metrics: dict, minimum: int) -> None:
    """Weekly figures and participation counts: a number is 0 or at least the minimum."""
    for cells in metrics["weekly"].values():
        for cell in cells:
            assert cell["suppressed"] == (cell["n"] is None)
            assert cell["n"] is None or cell["n"] >= minimum
    for row in metrics["participation"]:
        for name in ("active", "first_time", "returning", "lapsed"):
            value = row[name]
            assert not isinstance(value, int) or value == 0 or value >= minimum, (name, row)


_COUNT = re.compile(r"(?<![-+\d.])(\d+) (?:members?|responses?)\b")


def _check_digest_text(text: str, minimum: int) -> None:
    """Every count of members or responses in the e-mail is 0, the minimum or more, or the
    suppression note itself."""
    for match in _COUNT.finditer(text.replace(f"fewer than {minimum} responses", "")):
        assert int(match.group(1)) == 0 or int(match.group(1)) >= minimum, match.group(0)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(members=st.lists(member, min_size=1, max_size=40), minimum=st.integers(2, 8))
def test_segments_and_participation_never_expose_small_groups(
    members: list[tuple[str, str, int]], minimum: int, models: ModelStore
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = Settings(
            environment="test",
            database_url=f"sqlite:///{Path(folder) / 'p.db'}",
            secret_key="property-test-secret-key-0123456789abcdef",
            min_group_size=minimum,
            min_quote_group_size=minimum * 2,
        )
        db.engine_for.cache_clear()
        with TestClient(create_app(config, models)) as client:
            headers = {"Authorization": f"Bearer {make_token(client, Role.FACILITATOR, 'cc')}"}
            uploaded = client.post(
                "/api/v1/communities/cc/imports",
                headers=headers,
                files={"file": ("m.csv", _export(members))},
            )
            assert uploaded.status_code == 201, uploaded.text
            segments = client.get("/api/v1/communities/cc/segments", headers=headers).json()
            for cells in segments["dimensions"].values():
                _check_cells(cells, minimum)
                visible = [c["count"] for c in cells if not c["suppressed"]]
                if visible:  # the community's member count is published: nothing small remains
                    hidden = len(members) - sum(visible)
                    assert hidden == 0 or hidden >= minimum
            weeks = client.get("/api/v1/communities/cc/participation", headers=headers).json()
            for week in weeks["weeks"]:
                assert week["suppressed"] or week["members"] >= minimum
            _check_metrics(
                client.get("/api/v1/communities/cc/metrics", headers=headers).json(), minimum
            )
            digest = client.get("/api/v1/communities/cc/digest/preview", headers=headers).json()
            _check_digest_text(digest["text"], minimum)
        db.engine_for.cache_clear()


# --- a community below the minimum, community-bound admins, unidentified responses -------------

SMALL_SUMMARY = {  # a theme of the four members, as the analysis stores a small group's theme
    "units": 8,
    "respondents": None,
    "share": 0.5,
    "trend": "rising",
    "weekly": [{"week": "2026-W37", "count": None}, {"week": "2026-W38", "count": None}],
    "quotes": [],
    "suppressed": True,
}


def _answers(members: int, *, weeks: int = 2, per_week: int = 1, text: bool = False) -> bytes:
    """``members`` members answering once (or ``per_week`` times) in each of ``weeks`` weeks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["respondent_id", "submitted_at", "role", "How satisfied were you? (1-5)"]
    writer.writerow(header + (["What is on your mind?"] if text else []))
    for number in range(members):
        for week in range(weeks):
            for repeat in range(per_week):
                when = f"2026-09-{7 + 7 * week:02d}T{10 + repeat}:00:00"
                row = [f"R-{number}", when, "Executive Assistant", 3 + number % 3]
                writer.writerow(row + ([f"Answer {number} {week} {repeat}"] if text else []))
    return buffer.getvalue().encode()


def _import(client: TestClient, slug: str, body: bytes) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {make_token(client, Role.FACILITATOR, slug)}"}
    uploaded = client.post(
        f"/api/v1/communities/{slug}/imports", headers=headers, files={"file": ("a.csv", body)}
    )
    assert uploaded.status_code == 201, uploaded.text
    return headers


def _small_community(client: TestClient) -> dict[str, str]:
    """Four members (the minimum is 5), two weeks of answers, all on the roster, one theme."""
    from service.storage.repositories import communities
    from service.storage.tables import Respondent

    headers = _import(client, "tiny", _answers(4))
    with db.transaction(client.app.state.engine, write=True) as session:  # type: ignore[attr-defined]
        community = communities.get(session, "tiny")
        for member in session.query(Respondent).filter_by(community_id=community.id):
            member.in_roster = True
        session.add(
            theme_row(
                community_id=community.id,
                label="calendar double booking",
                keywords=["calendar"],
                centroid=b"",
                summary=SMALL_SUMMARY,
            )
        )
    return headers


def test_small_community_summary_shows_no_member_or_response_count(
    app_client: TestClient,
) -> None:
    headers = _small_community(app_client)
    body = app_client.get("/api/v1/communities/tiny", headers=headers).json()
    assert body["respondents"] is None and body["responses"] is None
    assert body["suppressed"] is True and body["note"] == "fewer than 5 members"
    assert body["imports"] == 1


def test_small_communitys_theme_shows_no_units_share_or_trend(app_client: TestClient) -> None:
    headers = _small_community(app_client)
    [theme] = app_client.get("/api/v1/communities/tiny/themes", headers=headers).json()
    assert theme["suppressed"] is True
    assert (theme["units"], theme["share"], theme["trend"], theme["respondents"]) == (None,) * 4
    detail = app_client.get(f"/api/v1/communities/tiny/themes/{theme['id']}", headers=headers)
    assert detail.json()["units"] is None and detail.json()["share"] is None


def test_small_communitys_metrics_do_not_give_the_roster_size(app_client: TestClient) -> None:
    headers = _small_community(app_client)
    metrics = app_client.get("/api/v1/communities/tiny/metrics", headers=headers).json()
    assert metrics["participation"], metrics
    assert all(row["roster"] == "fewer than 5 responses" for row in metrics["participation"])
    _check_metrics(metrics, 5)


def test_small_communitys_digest_gives_no_count_or_trend(app_client: TestClient) -> None:
    headers = _small_community(app_client)
    preview = app_client.get("/api/v1/communities/tiny/digest/preview", headers=headers).json()
    for part in (preview["text"], preview["html"]):
        assert "4 members" not in part and "8 responses" not in part
        assert "calendar double booking" not in part.lower()  # not listed as rising
    _check_digest_text(preview["text"], 5)


def test_community_bound_admin_cannot_create_communities(app_client: TestClient) -> None:
    bound = {"Authorization": f"Bearer {make_token(app_client, Role.ADMIN, 'circle')}"}
    refused = app_client.post("/api/v1/communities", headers=bound, json={"slug": "another"})
    assert refused.status_code == 403
    assert set(refused.json()) >= {"error", "detail"}
    assert "global admin" in refused.json()["detail"]
    everywhere = {"Authorization": f"Bearer {make_token(app_client, Role.ADMIN, None)}"}
    created = app_client.post("/api/v1/communities", headers=everywhere, json={"slug": "another"})
    assert created.status_code == 201, created.text


def test_weekly_figure_counts_a_member_who_answered_twice_once(app_client: TestClient) -> None:
    # Three members answered twice each week: six answers, but three people.
    headers = _import(app_client, "twice", _answers(3, per_week=2))
    metrics = app_client.get("/api/v1/communities/twice/metrics", headers=headers).json()
    cells = metrics["weekly"]["satisfaction"]
    assert cells and all(c["suppressed"] and c["n"] is None for c in cells)


def _unidentify(client: TestClient, slug: str, count: int) -> int:
    """Mark ``count`` respondents as rows of an export without an identifier; a theme over all
    of the community's free-text answers, with one unit each; returns the theme's id."""
    from sqlalchemy import select

    from service.storage.repositories import communities
    from service.storage.tables import Answer, Question, Respondent, Unit

    with db.transaction(client.app.state.engine, write=True) as session:  # type: ignore[attr-defined]
        community = communities.get(session, slug)
        members = session.scalars(
            select(Respondent)
            .where(Respondent.community_id == community.id)
            .order_by(Respondent.id)
        ).all()
        for member in members[:count]:
            member.identified = False
        theme = theme_row(
            community_id=community.id,
            label="answers",
            keywords=["answer"],
            centroid=b"",
            summary={"units": 12, "respondents": 12, "share": 1.0, "suppressed": False},
        )
        session.add(theme)
        session.flush()
        answers = session.scalars(
            select(Answer)
            .join(Question, Question.id == Answer.question_id)
            .where(Answer.community_id == community.id, Question.kind == "free_text")
        ).all()
        for answer in answers:
            session.add(
                Unit(
                    community_id=community.id,
                    response_id=answer.id,
                    respondent_id=answer.respondent_id,
                    position=0,
                    text=answer.text or "",
                    text_hash=f"h{answer.id}",
                    week="2026-W37",
                    theme_id=theme.id,
                )
            )
        return theme.id


def test_unidentified_responses_are_counted_as_responses_not_members(
    app_client: TestClient,
) -> None:
    headers = _import(app_client, "anon", _answers(12, weeks=1, text=True))
    theme_id = _unidentify(app_client, "anon", 4)
    body = app_client.get("/api/v1/communities/anon", headers=headers).json()
    assert body["respondents"] == 12 and body["counted_as"] == "responses"
    theme = app_client.get(f"/api/v1/communities/anon/themes/{theme_id}", headers=headers).json()
    assert theme["respondents"] == 12 and theme["counted_as"] == "responses"


def test_identified_members_are_counted_as_members(app_client: TestClient) -> None:
    headers = _import(app_client, "known", _answers(12, weeks=1, text=True))
    theme_id = _unidentify(app_client, "known", 0)
    body = app_client.get("/api/v1/communities/known", headers=headers).json()
    assert body["respondents"] == 12 and body["counted_as"] == "members"
    theme = app_client.get(f"/api/v1/communities/known/themes/{theme_id}", headers=headers).json()
    assert theme["counted_as"] == "members"


def test_job_result_gives_no_figure_about_a_small_groups_theme(app_client: TestClient) -> None:
    from service.storage.repositories import communities
    from service.storage.tables import Job

    headers = _small_community(app_client)
    theme = {"id": 1, "label": "calendar", "respondents": None, "weekly": [], "quotes": []}
    with db.transaction(app_client.app.state.engine, write=True) as session:  # type: ignore[attr-defined]
        community = communities.get(session, "tiny")
        result = {"themes": [{**theme, "units": 8, "share": 0.5, "trend": "rising"}]}
        session.add(Job(id="job-small", community_id=community.id, kind="analysis", result=result))
    job = app_client.get("/api/v1/jobs/job-small", headers=headers).json()
    [shown] = job["result"]["themes"]
    assert (shown["units"], shown["share"], shown["trend"]) == (None, None, None)


def test_digest_counts_unidentified_responses_as_responses(app_client: TestClient) -> None:
    headers = _import(app_client, "anon", _answers(12, weeks=1, text=True))
    _unidentify(app_client, "anon", 4)
    text = app_client.get("/api/v1/communities/anon/digest/preview", headers=headers).json()["text"]
    assert ": 12 responses (" in text and "12 members" not in text
