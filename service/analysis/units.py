"""Stage: split every free-text answer that has no units yet into sentence units.

It also stamps each answer with text whose language is unknown (older imports included) with the
language it is written in; the themes stage leaves non-English answers out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from service.analysis.context import Analysis, Context, Progress
from service.nlp.embeddings import text_hash
from service.privacy.thresholds import iso_week
from service.storage import db
from service.storage.repositories import languages
from service.storage.repositories import units as unit_rows


def unit_rows_of(
    community_id: int,
    answer: tuple[int, int, str, datetime],
    pieces: Sequence[str],
) -> list[dict[str, Any]]:
    """The unit rows of one answer; a non-answer is kept as one unit so it is not split again."""
    response_id, respondent_id, text, submitted_at = answer
    common = {
        "community_id": community_id,
        "response_id": response_id,
        "respondent_id": respondent_id,
        "week": iso_week(submitted_at),
        "submitted_at": submitted_at,
    }
    if not pieces:  # a non-answer: kept but never themed
        return [
            {
                "position": 0,
                "text": text,
                "text_hash": text_hash(text),
                "non_answer": True,
                **common,
            }
        ]
    return [
        {"position": i, "text": piece, "text_hash": text_hash(piece), "non_answer": False, **common}
        for i, piece in enumerate(pieces)
    ]


def build_units(context: Context) -> int:
    """Split the answers that have no units yet; how many (answer) units were added."""
    from service.nlp.pipeline import load_sentence_splitter
    from service.nlp.units import split_units

    with db.transaction(context.engine) as session:
        pending = unit_rows.unsplit_answers(session, context.community_id)
    if not pending:
        return 0
    nlp = load_sentence_splitter(context.settings.spacy_model)
    pieces = split_units([row.text for row in pending], nlp)
    rows = [
        row
        for answer, units in zip(pending, pieces, strict=True)
        for row in unit_rows_of(context.community_id, tuple(answer), units)
    ]
    with db.transaction(context.engine, write=True) as session:
        unit_rows.add(session, rows)
    return sum(not row["non_answer"] for row in rows)


def stamp_languages(context: Context) -> int:
    """Detect the language of every answer with text that has none yet; how many were stamped."""
    from service.nlp.language import detect_all

    with db.transaction(context.engine) as session:
        pending = languages.undetected(session, context.community_id)
    if not pending:
        return 0
    found = detect_all([text for _, text in pending])
    with db.transaction(context.engine, write=True) as session:
        languages.stamp(session, {id_: code for (id_, _), code in zip(pending, found, strict=True)})
    return len(pending)


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: stamps answer languages and sets ``analysis.units_added``."""
    stamp_languages(context)
    progress(0.2, "detecting answer languages")
    analysis.units_added = build_units(context)
