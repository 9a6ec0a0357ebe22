"""The next analyses code new answers against the committee's codebook first (issue 19, item
2): the real importer, models and analysis on three weeks of exports."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Engine, select

from service.analysis.stages import run_analysis
from service.codebook.schemas import DecisionIn, DescribeIn, RenameIn
from service.committee import codebook, theme_edits
from service.config import Settings
from service.intake import run_import
from service.jobs import store
from service.modelstore import ModelStore
from service.storage import db
from service.storage.repositories import codebook as rows
from service.storage.repositories import communities
from service.storage.tables import AnswerTheme, Theme, Unit
from tests.factories import SUBJECTS, google_forms_csv

QUESTION = "What's top of mind for you this week?"
AI_MORE = [
    "Copilot drafted the board pack summary for me",
    "ChatGPT helps me reword tricky emails to the executive team",
    "The AI note taker captured every action from the offsite",
    "I asked the AI assistant to compare three travel options",
    "Our team now uses AI to draft the weekly newsletter",
    "AI transcription of the all hands saved me an afternoon",
]


def _import(
    engine: Engine, settings: Settings, models: ModelStore, week: int, subjects: list[str]
) -> None:
    texts = [t for s in subjects for t in SUBJECTS[s]]
    if "ai" in subjects:
        texts += AI_MORE
    rows = [{QUESTION: text} for text in texts]
    data = google_forms_csv(rows).replace(b"member", f"w{week}member".encode())
    run_import(
        engine,
        settings,
        slug="circle",
        data=data,
        filename=f"week{week}.csv",
        format_name="auto",
        mapping=None,
        create_community=True,
        redactor=models.redactor,
    )


def _analyse(engine: Engine, settings: Settings, models: ModelStore) -> dict[str, Any]:
    with db.transaction(engine) as session:
        community_id = communities.get(session, "circle").id
    job_id, _ = store.create(engine, community_id, "analysis")
    return run_analysis(engine, models, settings, store.get(engine, job_id), lambda f, m: None)


def _subject_of(engine: Engine, theme_id: int) -> str | None:
    """The subject most of a theme's units come from."""
    with db.transaction(engine) as session:
        texts = session.scalars(select(Unit.text).where(Unit.theme_id == theme_id)).all()
    tally = Counter(
        s
        for text in texts
        for s, examples in {**SUBJECTS, "ai": SUBJECTS["ai"] + AI_MORE}.items()
        if any(text.startswith(e) for e in examples)
    )
    return tally.most_common(1)[0][0] if tally else None


def _active(engine: Engine) -> dict[int, Theme]:
    with db.transaction(engine) as session:
        rows = session.scalars(
            select(Theme).where(
                Theme.status == "active", Theme.level == "fine", Theme.question_id.is_(None)
            )
        )
        return {t.id: t for t in rows}


def test_committee_names_survive_two_analyses_and_only_new_themes_are_candidates(
    engine: Engine, settings: Settings, models: ModelStore
) -> None:
    for week in (1, 2):
        _import(engine, settings, models, week, ["calendar", "expenses", "reorg"])
    _analyse(engine, settings, models)
    with db.transaction(engine) as session:
        community = communities.get(session, "circle")
    editing = theme_edits.Editing(engine, community, "user:1")
    named = {}
    for theme_id in _active(engine):
        subject = _subject_of(engine, theme_id)
        name = f"Committee name for {subject} ({theme_id})"
        theme_edits.rename(editing, theme_id, RenameIn(name=name))
        named[theme_id] = name
    first = next(iter(named))
    theme_edits.describe(editing, first, DescribeIn(description="What the committee agreed"))
    assert len(named) >= 2

    for week in (3, 4):  # new data: the same subjects and a new one
        _import(engine, settings, models, week, ["calendar", "expenses", "reorg", "ai"])
        _analyse(engine, settings, models)
        active = _active(engine)
        assert {i: active[i].name for i in named if i in active} == named  # kept, unchanged
        with db.transaction(engine) as session:
            state = codebook.codebook_state(session, community.id)
            candidates = codebook.candidates(session, community)
        assert all(state[i] == "code" for i in named)
        if week == 3:
            new = [c["id"] for c in candidates]
            assert new, "the AI answers fit no code and make a new candidate"
            assert {_subject_of(engine, i) for i in new} == {"ai"}
            for theme_id in new:
                theme_edits.decide(editing, theme_id, DecisionIn(decision="ignore"))
            ignored = new
        else:  # the ignored candidate does not come back as new, nor do its answers
            assert "ai" not in {_subject_of(engine, c["id"]) for c in candidates}
            assert all(state[i] == "ignored" for i in ignored if i in state)
    with db.transaction(engine) as session:
        code = codebook.shown(session, community, examples=True)["codes"]
    assert {c["code"] for c in code} == set(named.values())
    assert {c["description"] for c in code if c["theme_id"] == first} == {
        "What the committee agreed"
    }


def test_a_question_s_committee_theme_keeps_its_name_and_its_answers(
    engine: Engine, settings: Settings, models: ModelStore
) -> None:
    from tests.analysis.test_question_themes import two_question_export

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
    first = _analyse(engine, settings, models)
    own = [t for t in first["themes"] if t["question"] is not None]
    assert own
    chosen = own[0]["id"]
    with db.transaction(engine) as session:
        community = communities.get(session, "circle")
    editing = theme_edits.Editing(engine, community, "user:1")
    theme_edits.rename(editing, chosen, RenameIn(name="The committee's name"))
    with db.transaction(engine) as session:
        by_unit, _ = rows.question_codes_of(session, community.id)
        # the answers whose sentences sat in the theme (the theme their evidence is for)
        before = {
            session.get_one(Unit, unit).response_id
            for unit, theme in by_unit.items()
            if theme == chosen
        }
    assert before
    second = _analyse(engine, settings, models)
    scope = own[0]["question"]
    # themes outside the committee's scope are found again as they were (same data)
    assert {t["id"] for t in second["themes"] if t["question"] != scope} == {
        t["id"] for t in first["themes"] if t["question"] != scope
    }
    assert {t["label"] for t in second["themes"] if t["id"] == chosen} == {"The committee's name"}
    with db.transaction(engine) as session:
        after = set(
            session.scalars(select(AnswerTheme.answer_id).where(AnswerTheme.theme_id == chosen))
        )
        assert codebook.codebook_state(session, community.id)[chosen] == "code"
    assert after >= before
