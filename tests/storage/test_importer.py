"""Storing imports on SQLite and PostgreSQL: exactly once, all or nothing, nothing personal."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select, text

from service.config import Settings
from service.errors import InvalidInput, NotFound
from service.intake import run_import
from service.privacy.pseudonyms import respondent_key
from service.privacy.redactor import Redactor
from service.storage import db
from service.storage.tables import (
    Answer,
    Community,
    Import,
    Question,
    Respondent,
    Submission,
)
from tests.conftest import fixture_bytes


def _count(engine: Engine, model: type) -> int:
    with db.transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


Load = Callable[[Engine, str], dict]


@pytest.fixture
def load(settings: Settings, redactor: Redactor) -> Load:
    """Import a fixture file into the community ``circle`` (created on first use)."""

    def run(engine: Engine, path: str) -> dict:
        return run_import(
            engine,
            settings,
            slug="circle",
            data=fixture_bytes(path),
            filename=path.rsplit("/", 1)[-1],
            create_community=True,
            redactor=redactor,
        )

    return run


def test_import_stores_responses_and_answers(any_engine: Engine, load: Load) -> None:
    result = load(any_engine, "google_forms/basic.csv")
    assert result["responses_added"] == 5
    assert result["duplicates_skipped"] == 0
    assert result["respondents"] == 5
    assert _count(any_engine, Submission) == 5
    assert _count(any_engine, Answer) > 5
    assert set(result) == {
        "id",
        "community",
        "format",
        "responses_added",
        "duplicates_skipped",
        "respondents",
        "identified",
        "questions",
        "warnings",
    }


def test_same_file_twice_stores_nothing_new(any_engine: Engine, load: Load) -> None:
    load(any_engine, "qualtrics/three_header_rows.csv")
    answers = _count(any_engine, Answer)
    again = load(any_engine, "qualtrics/three_header_rows.csv")
    assert (again["responses_added"], again["duplicates_skipped"]) == (0, 5)
    assert _count(any_engine, Submission) == 5
    assert _count(any_engine, Answer) == answers
    assert _count(any_engine, Import) == 2


def test_overlapping_exports_store_each_response_once(any_engine: Engine, load: Load) -> None:
    first = load(any_engine, "google_forms/overlap_a.csv")
    second = load(any_engine, "google_forms/overlap_b.csv")
    assert first["responses_added"] == 4
    assert (second["responses_added"], second["duplicates_skipped"]) == (2, 2)
    assert _count(any_engine, Submission) == 6


def test_reimport_links_the_same_respondents(
    any_engine: Engine, load: Load, settings: Settings
) -> None:
    load(any_engine, "google_forms/overlap_a.csv")
    load(any_engine, "google_forms/overlap_b.csv")
    assert _count(any_engine, Respondent) == 6
    expected = respondent_key(settings.secret_key, "email:carla.mendes@example.org")
    with db.transaction(any_engine) as session:
        keys = set(session.scalars(select(Respondent.key)))
    assert expected in keys


def test_personal_data_is_never_stored(any_engine: Engine, load: Load) -> None:
    load(any_engine, "surveymonkey/two_header_rows.csv")
    load(any_engine, "qualtrics/three_header_rows.csv")
    with db.transaction(any_engine) as session:
        dump = " ".join(
            str(value)
            for table in ("respondents", "responses", "submissions", "questions", "imports")
            for row in session.execute(text(f"SELECT * FROM {table}"))
            for value in row
        )
    assert "@example.org" not in dump
    assert "203.0.113." not in dump and "192.0.2." not in dump and "198.51.100." not in dump


def test_unfinished_responses_are_kept_and_flagged(any_engine: Engine, load: Load) -> None:
    result = load(any_engine, "qualtrics/three_header_rows.csv")
    with db.transaction(any_engine) as session:
        flags = list(session.scalars(select(Submission.finished)))
    assert flags.count(False) == 1
    assert any("unfinished" in w for w in result["warnings"])


def test_failed_import_stores_nothing(any_engine: Engine, load: Load) -> None:
    load(any_engine, "google_forms/basic.csv")
    before = [_count(any_engine, m) for m in (Submission, Answer, Respondent, Import, Question)]
    with pytest.raises(InvalidInput):
        load(any_engine, "bad/ragged.csv")
    after = [_count(any_engine, m) for m in (Submission, Answer, Respondent, Import, Question)]
    assert before == after


def test_unknown_community_is_refused_without_create(
    engine: Engine, settings: Settings, redactor: Redactor
) -> None:
    with pytest.raises(NotFound):
        run_import(
            engine,
            settings,
            slug="nowhere",
            data=fixture_bytes("google_forms/basic.csv"),
            filename="basic.csv",
            redactor=redactor,
        )


def test_concurrent_overlapping_imports_store_each_response_once(
    any_engine: Engine, load: Load
) -> None:
    files = ["google_forms/overlap_a.csv", "google_forms/overlap_b.csv"] * 10
    errors: list[BaseException] = []

    def work(path: str) -> None:
        try:
            load(any_engine, path)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(p,)) for p in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _count(any_engine, Submission) == 6
    assert _count(any_engine, Respondent) == 6
    assert _count(any_engine, Import) == 20


def test_first_imports_racing_to_create_a_community_are_retried_not_refused(
    any_engine: Engine, load: Load, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: an import whose lookup missed a community another import had just created
    looked again, saw it and raised Conflict ("Community 'circle' already exists") instead of
    colliding on the unique slug and being retried."""
    from service.storage.repositories import communities

    load(any_engine, "google_forms/overlap_a.csv")  # the other import got there first
    real_find = communities.find
    missed = []

    def find_missing_once(session, slug):  # noqa: ANN001, ANN202 - the lookup that lost the race
        if not missed:
            missed.append(slug)
            return None
        return real_find(session, slug)

    monkeypatch.setattr(communities, "find", find_missing_once)
    result = load(any_engine, "google_forms/overlap_b.csv")
    assert missed == ["circle"] and result["community"] == "circle"
    with db.transaction(any_engine) as session:
        assert session.scalar(select(func.count()).select_from(Community)) == 1


def test_generic_rows_with_different_response_ids_are_not_merged(
    any_engine: Engine, load: Load
) -> None:
    """Regression (the tester's case): three rows with different `ResponseId`s and the same
    answers were stored as one (`duplicates_skipped: 2`)."""
    first = load(any_engine, "generic/response_ids.csv")
    assert (first["responses_added"], first["duplicates_skipped"]) == (3, 0)
    again = load(any_engine, "generic/response_ids.csv")
    assert (again["responses_added"], again["duplicates_skipped"]) == (0, 3)
    assert _count(any_engine, Submission) == 3


def test_rows_without_a_respondent_are_stored_unidentified(any_engine: Engine, load: Load) -> None:
    anonymous = load(any_engine, "generic/no_identifier.csv")
    named = load(any_engine, "google_forms/basic.csv")
    assert (anonymous["identified"], named["identified"]) == (0, 5)
    with db.transaction(any_engine) as session:
        flags = session.execute(
            select(Respondent.identified, func.count()).group_by(Respondent.identified)
        ).all()
    assert dict(flags) == {False: 3, True: 5}
