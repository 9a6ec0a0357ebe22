"""Each open question gets its own themes, and an answer is coded to every theme it speaks to
(issue 18, items 2 and 3): the real importer, models and analysis on a two-question export."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from service.analysis.question_themes import code_answers
from service.analysis.stages import run_analysis
from service.auth.roles import Role
from service.config import Settings
from service.intake import run_import
from service.jobs import store
from service.main import create_app
from service.modelstore import ModelStore
from service.storage import db
from service.storage.repositories import communities
from service.storage.tables import AnswerTheme, Question, Theme, Unit
from service.themes.schemas import Theme as FoundTheme
from service.themes.schemas import ThemeResult
from tests.conftest import make_token
from tests.factories import SUBJECTS, google_forms_csv

TOP = "What's top of mind for you this week?"
NIGHT = "What keeps you up at night?"


def two_question_export(weeks: int = 3) -> bytes:
    """Every row answers both questions: calendars or expenses, and the reorg or AI tools."""
    rows = []
    for week in range(weeks):
        for index in range(12):
            top = SUBJECTS["calendar" if index % 2 else "expenses"][index // 2]
            night = SUBJECTS["reorg" if index % 2 else "ai"][index // 2]
            rows.append({TOP: f"{top} (week {week + 1}).", NIGHT: f"{night} (week {week + 1})."})
    return google_forms_csv(rows)


def analysed(engine: Engine, settings: Settings, models: ModelStore) -> dict[str, Any]:
    """Import the export into ``circle`` and analyse it; the job's result."""
    run_import(
        engine,
        settings,
        slug="circle",
        data=two_question_export(),
        filename="google_forms.csv",
        format_name="auto",
        mapping=None,
        create_community=True,
        redactor=models.redactor,
    )
    return analyse_again(engine, settings, models)


def analyse_again(engine: Engine, settings: Settings, models: ModelStore) -> dict[str, Any]:
    with db.transaction(engine) as session:
        community_id = communities.get(session, "circle").id
    job_id, _ = store.create(engine, community_id, "analysis")
    return run_analysis(engine, models, settings, store.get(engine, job_id), lambda f, m: None)


@dataclass(frozen=True)
class Analysed:
    settings: Settings
    engine: Engine
    result: dict[str, Any]


@pytest.fixture(scope="module")
def analysed_once(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path, models: ModelStore
) -> Iterator[Analysed]:
    """One analysed community for the module (the analysis is the slow part)."""
    folder = tmp_path_factory.mktemp("question-themes")
    shutil.copyfile(migrated_sqlite, folder / "peerpulse.db")
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{folder / 'peerpulse.db'}",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        data_dir=folder,
    )
    engine = db.make_engine(settings.database_url)
    db.upgrade(engine)
    yield Analysed(settings, engine, analysed(engine, settings, models))
    engine.dispose()


@pytest.fixture
def engine(analysed_once: Analysed) -> Engine:
    return analysed_once.engine


@pytest.fixture
def result(analysed_once: Analysed) -> dict[str, Any]:
    return analysed_once.result


def test_each_question_gets_its_own_themes_under_community_wide_parents(
    engine: Engine, result: dict[str, Any]
) -> None:
    wide = {t["id"] for t in result["themes"] if t["question"] is None and t["level"] == "fine"}
    by_question: dict[str, list[dict[str, Any]]] = {}
    for theme in result["themes"]:
        if theme["question"] is not None:
            by_question.setdefault(theme["question"], []).append(theme)
    assert set(by_question) == {TOP, NIGHT}
    assert wide and all(t["parent_id"] in wide for ts in by_question.values() for t in ts)
    with db.transaction(engine) as session:
        questions = dict(session.execute(select(Question.text, Question.id)).all())
        for text, themes in by_question.items():
            stored = [session.get_one(Theme, t["id"]) for t in themes]
            assert {t.question_id for t in stored} == {questions[text]}


def test_a_question_s_themes_hold_only_its_answers_and_keep_subjects_apart(
    engine: Engine, result: dict[str, Any]
) -> None:
    with db.transaction(engine) as session:
        rows = session.execute(
            select(AnswerTheme.theme_id, Unit.text, Question.text, Theme.question_id)
            .join(Unit, Unit.id == AnswerTheme.evidence_unit_id)
            .join(Theme, Theme.id == AnswerTheme.theme_id)
            .join(Question, Question.id == Theme.question_id)
        ).all()
    assert rows
    subjects: dict[int, set[str]] = {}
    for theme_id, evidence, question, _ in rows:
        expected = ("calendar", "expenses") if question == TOP else ("reorg", "ai")
        subject = next(
            (s for s in expected if any(evidence.startswith(t) for t in SUBJECTS[s])), None
        )
        assert subject is not None, (question, evidence)  # evidence from that question only
        subjects.setdefault(theme_id, set()).add(subject)
    # two subjects per question, each theme mostly one of them
    assert sum(len(s) == 1 for s in subjects.values()) >= 0.75 * len(subjects)


def test_the_themes_list_is_community_wide_unless_a_question_is_asked(
    analysed_once: Analysed, models: ModelStore
) -> None:
    found = analysed_once.result
    db.engine_for.cache_clear()
    with TestClient(create_app(analysed_once.settings, models)) as client:
        headers = {"Authorization": f"Bearer {make_token(client, Role.FACILITATOR, 'circle')}"}
        url = "/api/v1/communities/circle/themes"
        listed = client.get(url, headers=headers).json()
        with db.transaction(analysed_once.engine) as session:
            night = session.scalars(select(Question.id).where(Question.text == NIGHT)).one()
        scoped = client.get(url, params={"question_id": night}, headers=headers).json()
        parents = client.get(url, params={"level": "parent"}, headers=headers).json()
    db.engine_for.cache_clear()
    wide = {t["id"] for t in found["themes"] if t["question"] is None and t["level"] == "fine"}
    assert {t["id"] for t in listed} == wide
    assert {t["id"] for t in parents} == {
        t["id"] for t in found["themes"] if t["level"] == "parent"
    }
    assert scoped and {t["question"] for t in scoped} == {NIGHT}
    assert {t["id"] for t in scoped} == {t["id"] for t in found["themes"] if t["question"] == NIGHT}


def test_worry_reads_only_community_wide_themes(result: dict[str, Any]) -> None:
    wide = {t["id"] for t in result["themes"] if t["question"] is None and t["level"] == "fine"}
    assert result["concerns"] and {c["theme_id"] for c in result["concerns"]} <= wide


def test_a_second_analysis_keeps_the_question_themes(
    analysed_once: Analysed, models: ModelStore
) -> None:
    engine, result = analysed_once.engine, analysed_once.result
    again = analyse_again(engine, analysed_once.settings, models)

    def scoped(found: dict[str, Any]) -> set[tuple[str, int]]:
        return {(t["question"], t["id"]) for t in found["themes"] if t["question"]}

    def parents(found: dict[str, Any]) -> set[int]:
        return {t["id"] for t in found["themes"] if t["level"] == "parent"}

    assert parents(again) == parents(result)

    assert scoped(again) == scoped(result)
    with db.transaction(engine) as session:
        active = session.scalars(
            select(Theme.id).where(Theme.status == "active", Theme.question_id.is_not(None))
        ).all()
    assert set(active) == {theme_id for _, theme_id in scoped(again)}


def _result(assignments: list[int], centroids: list[list[float]]) -> ThemeResult:
    themes = tuple(
        FoundTheme(i, f"t{i}", (), assignments.count(i), np.array(c, dtype=np.float32))
        for i, c in enumerate(centroids)
    )
    return ThemeResult(np.array(assignments), themes)


def test_an_answer_is_coded_to_every_theme_one_of_its_sentences_is_close_to() -> None:
    # Theme 0 along x, theme 1 along y; the answer 10 has a sentence of each.
    vectors = np.array([[1, 0.05], [1, -0.05], [1, 0], [0.05, 1], [-0.05, 1], [0, 1], [0.7, 0.72]])
    answers = [1, 2, 10, 3, 4, 10, 5]
    result = _result([0, 0, 0, 1, 1, 1, 1], [[1, 0], [0, 1]])
    rows = code_answers(answers, list(range(100, 107)), vectors, result)
    coded = {(r["answer_id"], r["theme"]): r["evidence_unit_id"] for r in rows}
    assert coded[(10, 0)] == 102 and coded[(10, 1)] == 105  # each with its own sentence
    assert (1, 1) not in coded and (3, 0) not in coded  # far from the other theme
    assert (5, 0) not in coded  # halfway is not as close as theme 0's typical member


def test_the_coded_answers_export_gives_each_answer_its_question_s_themes(
    analysed_once: Analysed,
) -> None:
    from service.coded_answers import coded_rows
    from service.privacy.thresholds import Confidentiality

    result = analysed_once.result
    own = {q: {t["id"] for t in result["themes"] if t["question"] == q} for q in (TOP, NIGHT)}
    with db.transaction(analysed_once.engine) as session:
        rows = coded_rows(
            session,
            communities.get(session, "circle"),
            Confidentiality(min_group=5, min_quote_group=5),
        )
    assert len(rows) == 72
    for _, _, question, _, _, _, theme_ids, _ in rows:
        ids = {int(t) for t in theme_ids.split(" | ") if t}
        assert ids and ids <= own[question], (question, ids)


def test_parent_themes_gather_the_community_wide_fine_themes(analysed_once: Analysed) -> None:
    themes = analysed_once.result["themes"]
    parents = {t["id"]: t for t in themes if t["level"] == "parent"}
    fine = [t for t in themes if t["level"] == "fine" and t["question"] is None]
    assert 1 <= len(parents) <= 12
    assert all(t["question"] is None and t["parent_id"] is None for t in parents.values())
    children = [t for t in fine if t["parent_id"] is not None]
    assert children and {t["parent_id"] for t in children} == set(parents)
    # a parent holds its children's units
    for parent_id, parent in parents.items():
        held = sum(t["units"] or 0 for t in children if t["parent_id"] == parent_id)
        assert parent["units"] is None or parent["units"] >= held


def test_a_question_theme_s_segment_map_counts_the_members_coded_to_it(
    analysed_once: Analysed,
) -> None:
    from service.storage.repositories.themes import raised_by

    result = analysed_once.result
    own = max((t for t in result["themes"] if t["question"] == TOP), key=lambda t: t["units"] or 0)
    with db.transaction(analysed_once.engine) as session:
        raised = raised_by(session, session.get_one(Theme, own["id"]))
    assert len(raised) >= (own["respondents"] or 1)
