"""Answer languages: the real detector on short answers, and the units stage's backfill."""

from __future__ import annotations

import csv
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select

from service.analysis.context import Context
from service.analysis.units import stamp_languages
from service.config import LimitSettings, Settings
from service.ingest.schemas import Answer, ParsedImport, ParsedRecord, QuestionKind, QuestionSpec
from service.ingest.service import parse_export
from service.nlp.language import ENGLISH, detect, distinct_words
from service.storage import db
from service.storage.repositories import communities, imports, languages
from service.storage.tables import Answer as AnswerRow
from tests.conftest import ROOT

CODING = ROOT / "corpora" / "coding"
# corpora/coding/README.md: respondents who answer entirely in another language.
OTHER = {
    "AC-101": "fr", "AC-133": "fr", "AC-167": "fr", "AC-152": "es", "AC-253": "es",
    "AC-106": "pt", "AC-146": "pt", "AC-145": "de",
}  # fmt: skip


def _coding_answers() -> list[tuple[str, str]]:
    """(text, language) of every non-empty open answer of the coding survey."""
    with (CODING / "survey_export.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return [
        (text, OTHER.get(row[1], ENGLISH)) for row in rows[1:] for text in row[5:] if text.strip()
    ]


def _sample_answers() -> list[str]:
    """The free-text answers of the sample community's survey exports (all English)."""
    texts = []
    for path in sorted((ROOT / "corpora" / "sample").glob("*.csv")):
        if path.name in ("goals.csv", "members.csv"):
            continue
        parsed = parse_export(path.read_bytes(), path.name, limits=LimitSettings())
        free = {q.text for q in parsed.questions if q.kind == QuestionKind.FREE_TEXT}
        texts += [
            a.text for r in parsed.records for a in r.answers if a.question in free and a.text
        ]
    return texts


def test_answers_in_other_languages_are_found_with_their_language() -> None:
    other = [(text, lang) for text, lang in _coding_answers() if lang != ENGLISH]
    right = sum(detect(text) == lang for text, lang in other)
    assert len(other) == 32
    assert right / len(other) >= 0.85


def test_english_answers_of_the_coding_survey_stay_english() -> None:
    english = [text for text, lang in _coding_answers() if lang == ENGLISH]
    called = [text for text in english if detect(text) != ENGLISH]
    assert len(called) <= len(english) * 0.01, called


def test_no_english_fragment_of_the_sample_is_called_another_language() -> None:
    texts = _sample_answers()
    assert len(texts) > 300
    assert [t for t in texts if detect(t) != ENGLISH] == []


@pytest.mark.parametrize(
    "text", ["Rien.", "Gracias", "idk", "ERP ERP ERP", "n/a", "Workload", "reorg stress"]
)
def test_fewer_than_three_distinct_words_read_as_english(text: str) -> None:
    assert distinct_words(text) < 3
    assert detect(text) == ENGLISH


def _store(engine: Engine, texts: list[str]) -> int:
    question = "What keeps you up at night?"
    parsed = ParsedImport(
        format="csv",
        questions=[QuestionSpec(question, QuestionKind.FREE_TEXT)],
        records=[
            ParsedRecord(
                row=n + 2,
                source_key=f"k{n}",
                respondent_ref=f"id:{n}",
                submitted_at=datetime(2026, 9, 7 + n),
                answers=[Answer(question=question, text=text)],
            )
            for n, text in enumerate(texts)
        ],
    )
    with db.transaction(engine, write=True) as session:
        community = communities.get_or_create(session, "circle")
        file_info: dict[str, Any] = {"filename": "a.csv", "sha256": "0" * 64, "size_bytes": 1}
        imports.store(session, community, parsed, secret_key="k" * 40, file_info=file_info)
        return community.id


def test_the_units_stage_stamps_languages_and_counts_the_others(
    engine: Engine, settings: Settings
) -> None:
    texts = [
        "Une réorganisation est annoncée pour janvier et personne ne sait qui sera concerné.",
        "Trop de travail depuis le départ de ma collègue, et pas de remplacement prévu.",
        "Que se pierdan facturas en la migración y me toque a mí explicarlo.",
        "The new expense system rejects receipts and I resubmit every claim.",
        "Workload",
    ]
    community_id = _store(engine, texts)
    context = Context(engine, None, settings, community_id, "job")  # type: ignore[arg-type]
    assert stamp_languages(context) == 5
    with db.transaction(engine) as session:
        rows = session.execute(select(AnswerRow.text, AnswerRow.language))
        stamped = dict(rows.tuples().all())
        assert languages.other_languages(session, community_id) == {"es": 1, "fr": 2}
    assert stamped[texts[3]] == stamped["Workload"] == ENGLISH
    assert stamp_languages(context) == 0  # nothing left to detect


def test_the_backfill_keeps_a_language_already_stamped(engine: Engine, settings: Settings) -> None:
    community_id = _store(engine, ["Une réorganisation est annoncée pour janvier.", "Fine."])
    with db.transaction(engine, write=True) as session:
        first = session.scalars(select(AnswerRow.id).order_by(AnswerRow.id)).first()
        assert first is not None
        languages.stamp(session, {first: "de"})
    context = Context(engine, None, settings, community_id, "job")  # type: ignore[arg-type]
    assert stamp_languages(context) == 1
    with db.transaction(engine) as session:
        assert languages.other_languages(session, community_id) == {"de": 1}
