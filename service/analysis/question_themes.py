"""Stage: each open question's own themes, and every answer coded to each theme it speaks to.

The community-wide themes (the themes stage) gather what members raise across questions for the
weekly view. A survey's questions ask different things, so each question with enough answers
(at least :data:`MIN_UNITS` sentence units and the community answering two or more questions)
also gets themes fitted on its own units by the same model (``themes.fit_scope``). Each is
linked to the community-wide theme most of its units sit in (``parent_id``) and keeps its
identity from run to run like any theme.

An answer is coded to every theme of its question it speaks to: the theme its sentences were
clustered into, and any other whose centroid one of its sentences is at least as close to as
the theme's own typical member (the :data:`MEMBER_QUANTILE` quantile of its members'
similarity, per theme), at most :data:`MAX_CODES` themes, the closest first; the sentence that
carries it is kept as evidence (``answer_themes``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from service.analysis import codebook
from service.analysis.assignment import known_themes, store_lineage
from service.analysis.context import (
    Analysis,
    Context,
    Embedded,
    Progress,
    QuestionThemes,
)
from service.analysis.themes import fit_rest
from service.analysis.trends import store_all, theme_figures
from service.storage import db
from service.storage.repositories import themes as theme_rows
from service.storage.repositories import units as unit_rows
from service.themes.schemas import UNASSIGNED, ThemeResult

MIN_UNITS = 30  # a question with fewer units is read in the community-wide themes only
MEMBER_QUANTILE = 0.5  # a theme's typical member: its median (chosen on the coding dev split)
MAX_CODES = 3  # an answer carries at most this many themes of one question


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def thresholds(vectors: np.ndarray, result: ThemeResult) -> np.ndarray:
    """Each theme's least similarity for a further answer: the :data:`MEMBER_QUANTILE`
    quantile of its own members' similarity to its centroid."""
    unit = _unit_rows(vectors)
    out = np.ones(len(result.themes))
    for theme in result.themes:
        members = result.members(theme.index)
        if len(members):
            sims = unit[members] @ _unit_rows(theme.centroid[None, :])[0]
            out[theme.index] = float(np.quantile(sims, MEMBER_QUANTILE))
    return out


def code_answers(
    answer_ids: Sequence[int],
    unit_ids: Sequence[int],
    vectors: np.ndarray,
    result: ThemeResult,
) -> list[dict[str, Any]]:
    """Every theme (by index) each answer speaks to, with its evidence unit and score.

    Rows: ``answer_id``, ``theme`` (the index), ``score`` (cosine of the evidence sentence to the
    centroid) and ``evidence_unit_id``; see the module for the rule.
    """
    if not result.themes:
        return []
    similarity = _unit_rows(vectors) @ _unit_rows(result.centroids).T  # unit x theme
    floor = thresholds(vectors, result)
    positions: dict[int, list[int]] = defaultdict(list)
    for position, answer in enumerate(answer_ids):
        positions[answer].append(position)
    rows = []
    for answer, where in positions.items():
        best: dict[int, tuple[float, int]] = {}
        for position in where:
            own = int(result.assignments[position])
            for theme in range(len(result.themes)):
                score = float(similarity[position, theme])
                if theme != own and score < floor[theme]:
                    continue
                if theme not in best or score > best[theme][0]:
                    best[theme] = (score, unit_ids[position])
        clustered = {int(result.assignments[p]) for p in where} - {UNASSIGNED}
        ranked = sorted(best, key=lambda t: (t not in clustered, -best[t][0]))[:MAX_CODES]
        rows += [
            {
                "answer_id": answer,
                "theme": theme,
                "score": round(best[theme][0], 4),
                "evidence_unit_id": best[theme][1],
            }
            for theme in sorted(ranked)
        ]
    return rows


def parents_of(
    positions: np.ndarray, result: ThemeResult, community: ThemeResult, ids: dict[int, int]
) -> dict[int, int]:
    """Each question theme's community-wide theme: the one most of its units sit in."""
    parents = {}
    for theme in result.themes:
        tally = Counter(
            ids[int(community.assignments[positions[i]])]
            for i in result.members(theme.index)
            if int(community.assignments[positions[i]]) in ids
        )
        if tally:
            parents[theme.index] = min(tally, key=lambda t: (-tally[t], t))
    return parents


def scopes(context: Context, embedded: Embedded) -> dict[int, tuple[str, np.ndarray]]:
    """The questions that get themes of their own: their text and unit positions."""
    with db.transaction(context.engine) as session:
        question_of = unit_rows.questions_of(session, [u.response_id for u in embedded.units])
    positions: dict[int, list[int]] = defaultdict(list)
    texts = {}
    for position, unit in enumerate(embedded.units):
        question, text = question_of[unit.response_id]
        positions[question].append(position)
        texts[question] = text
    if len(positions) < 2:
        return {}
    least = max(MIN_UNITS, 4 * context.settings.min_group_size)
    return {q: (texts[q], np.array(found)) for q, found in positions.items() if len(found) >= least}


def retire_unscoped(context: Context, kept: set[int]) -> None:
    """Questions that no longer get themes of their own: their themes retire."""
    with db.transaction(context.engine, write=True) as session:
        for question in theme_rows.question_scopes(session, context.community_id) - kept:
            for theme in theme_rows.active(session, context.community_id, question_id=question):
                theme.status = "retired"
                theme.lineage = [
                    *(theme.lineage or []),
                    {"job": context.job_id, "status": "retired", "scope": "question"},
                ]


def fit_question(
    context: Context,
    analysis: Analysis,
    question_id: int,
    question: str,
    positions: np.ndarray,
) -> QuestionThemes:
    """Fit, code, store and count one question's themes."""
    embedded = analysis.need_embedded()
    units = [embedded.units[i] for i in positions]
    vectors = embedded.vectors[positions]
    coded = codebook.coded_scope(
        context, units, vectors, question_id, analysis.question_codes or ({}, {})
    )
    result = fit_rest(context, units, vectors, coded)
    community_ids = {stored.index: stored.id for stored in analysis.stored}
    parents = parents_of(positions, result, analysis.need_fit(), community_ids)
    figures = theme_figures(
        Embedded(units, vectors), result, context.privacy, seed=context.settings.theme_seed
    )
    known = known_themes(context.engine, context.community_id, question_id)
    codes = code_answers([u.response_id for u in units], [u.id for u in units], vectors, result)
    with db.transaction(context.engine, write=True) as session:
        stored, ids = store_lineage(
            session,
            context.community_id,
            context.job_id,
            result,
            known,
            question_id=question_id,
            parents=parents,
            fixed=dict(enumerate(coded.theme_ids)) if coded is not None else None,
        )
        store_all(session, ids, figures)
        theme_rows.add_answer_themes(
            session,
            context.community_id,
            [
                {**{k: v for k, v in row.items() if k != "theme"}, "theme_id": ids[row["theme"]]}
                for row in codes
            ],
        )
    return QuestionThemes(question_id, question, stored, figures, parents)


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.question_themes``."""
    found = scopes(context, analysis.need_embedded())
    retire_unscoped(context, set(found))
    analysis.question_themes = []
    for done, (question_id, (question, positions)) in enumerate(sorted(found.items())):
        progress(done / max(1, len(found)), f"finding the themes of question {done + 1}")
        analysis.question_themes.append(
            fit_question(context, analysis, question_id, question, positions)
        )
