"""Chunked redaction gives the whole-file result; staging holds no raw text; progress is told."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select

from service.config import Settings
from service.ingest.service import parse_export, plan_export
from service.intake import run_import
from service.intake_redaction import ChunkRedactor
from service.privacy.redactor import Redactor, gazetteer_from
from service.privacy.service import redact_import
from service.storage import db
from service.storage.tables import Answer, Community, StagedChunk
from tests.factories import google_forms_csv

WELL = "What went well?"
ROLE = "What is your role?"
ANSWERS = [
    {WELL: "Priya Sharma sorted the travel approvals for me", ROLE: "EA to Sarah Jones"},
    {WELL: "Nothing", ROLE: "Office manager"},
    {WELL: "email me at tom.novak@corp.example if the rota changes", ROLE: "Office manager"},
    {WELL: "Nothing", ROLE: "EA to Sarah Jones"},
    {WELL: "The board pack went out on time", ROLE: "PA"},
    {WELL: "I asked member3 about the offsite budget", ROLE: "PA"},
    {WELL: "Nothing", ROLE: "Office manager"},
]
RAW = ("Priya", "Sharma", "Sarah Jones", "tom.novak", "member3@example.org")


@pytest.fixture
def export() -> bytes:
    """Seven check-ins with names, an e-mail and a role naming a person; answers repeat."""
    return google_forms_csv(ANSWERS)


def test_chunks_of_two_redact_as_the_whole_file_does(
    export: bytes, settings: Settings, redactor: Redactor
) -> None:
    whole = parse_export(export, "checkins.csv", limits=settings.limits)
    replaced = redact_import(whole, redactor)
    plan = plan_export(export, "checkins.csv", limits=settings.limits)
    texts = ChunkRedactor(
        redactor, questions=plan.questions, gazetteer=gazetteer_from(plan.personal_values())
    )
    chunked = []
    for records in plan.record_chunks(2):
        texts.redact(records)
        chunked.extend(records)
    assert [(r.answers, r.segments) for r in chunked] == [
        (r.answers, r.segments) for r in whole.records
    ]
    assert texts.replaced == replaced > 0
    # "Nothing", "Office manager", "PA" and the role naming Sarah Jones repeat across chunks
    assert texts.texts_redacted < texts.texts_seen


def test_staging_holds_redacted_text_only_and_progress_reaches_the_end(
    export: bytes, engine: Engine, settings: Settings, redactor: Redactor, monkeypatch
) -> None:
    import service.intake as intake

    monkeypatch.setattr(intake, "CHUNK_ROWS", 3)
    staged: list[str] = []
    told: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        told.append((done, total))
        with db.transaction(engine) as session:
            staged.extend(json.dumps(r) for r in session.scalars(select(StagedChunk.records)))

    result = run_import(
        engine,
        settings,
        slug="circle",
        data=export,
        filename="checkins.csv",
        create_community=True,
        redactor=redactor,
        progress=progress,
    )
    assert told == [(3, 7), (6, 7), (7, 7)]
    assert len(staged) == 1 + 2 + 3  # every chunk was staged before the end
    joined = " ".join(staged)
    assert "[PERSON]" in joined and "[EMAIL]" in joined
    assert not [raw for raw in RAW if raw in joined]
    assert result["responses_added"] == 7
    with db.transaction(engine) as session:
        assert session.scalars(select(StagedChunk)).all() == []  # swapped in and dropped
        stored = " ".join(t or "" for t in session.scalars(select(Answer.text)))
    assert not [raw for raw in RAW if raw in stored]


def test_imports_in_progress_shows_rows_staged_while_reading(
    export: bytes,
    settings: Settings,
    redactor: Redactor,
    app_client,
    facilitator_headers: dict[str, str],
    monkeypatch,
) -> None:
    import service.intake as intake

    monkeypatch.setattr(intake, "CHUNK_ROWS", 3)
    engine = app_client.app.state.engine  # the app's database, where the token's community is
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        response = app_client.get(
            "/api/v1/communities/circle/imports/in-progress", headers=facilitator_headers
        )
        assert response.status_code == 200, response.text
        seen.extend((r["rows_staged"], r["rows_total"]) for r in response.json())

    run_import(
        engine,
        settings,
        slug="circle",
        data=export,
        filename="checkins.csv",
        redactor=redactor,
        progress=progress,
    )
    assert seen == [(3, 7), (6, 7), (7, 7)]
    after = app_client.get(
        "/api/v1/communities/circle/imports/in-progress", headers=facilitator_headers
    )
    assert after.json() == []


def test_a_pool_of_two_processes_stores_what_this_process_stores(
    export: bytes, engine: Engine, settings: Settings, redactor: Redactor, monkeypatch
) -> None:
    import service.intake as intake
    from service.privacy import pool

    monkeypatch.setattr(intake, "CHUNK_ROWS", 3)
    monkeypatch.setattr(pool, "PIECE", 2)  # every chunk is split between the two children
    started: list[int] = []
    real_pool = pool.RedactionPool

    def counted(*args, **kwargs):
        started.append(kwargs["processes"])
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(intake, "RedactionPool", counted)
    alone = run_import(
        engine,
        settings,
        slug="alone",
        data=export,
        filename="checkins.csv",
        create_community=True,
        redactor=redactor,
    )
    two = run_import(
        engine,
        settings.model_copy(update={"redaction_processes": 2}),
        slug="pooled",
        data=export,
        filename="checkins.csv",
        create_community=True,
        redactor=redactor,
    )
    assert started == [2]  # the first import ran in this process, the second in the pool
    assert alone["warnings"] == two["warnings"]  # the same count of pieces redacted
    assert any("redacted" in w for w in two["warnings"])
    with db.transaction(engine) as session:
        rows = session.execute(
            select(Community.slug, Answer.text).join(Community, Answer.community_id == Community.id)
        ).all()
    by_community = {
        slug: sorted(t or "" for s, t in rows if s == slug) for slug in ("alone", "pooled")
    }
    assert by_community["pooled"] == by_community["alone"]
    assert "[PERSON]" in " ".join(by_community["pooled"])
    assert not [raw for raw in RAW if raw in " ".join(by_community["pooled"])]
