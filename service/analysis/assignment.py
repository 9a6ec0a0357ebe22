"""Stage: match this run's themes to the stored ones (stable identities), store them and each
unit's theme; themes no longer found are retired or marked merged."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.analysis.context import Analysis, Context, Progress, StoredTheme, UnitRow
from service.storage import db
from service.storage.repositories import themes as theme_rows
from service.storage.repositories import units as unit_rows
from service.storage.tables import Theme, utcnow
from service.themes.identity import KnownTheme, ThemeLineage, match_themes
from service.themes.schemas import UNASSIGNED, ThemeResult


def known_themes(
    engine: Engine, community_id: int, question_id: int | None = None, level: str = "fine"
) -> list[KnownTheme]:
    """The active themes of a scope (the community, or one question) and level as the matcher
    reads them."""
    with db.transaction(engine) as session:
        return [
            KnownTheme(str(t.id), np.frombuffer(t.centroid, dtype=np.float32), t.name)
            for t in theme_rows.active(session, community_id, question_id=question_id, level=level)
        ]


def answer_codes(
    units: list[UnitRow], vectors: np.ndarray, result: ThemeResult, ids: dict[int, int]
) -> list[dict[str, Any]]:
    """Every theme each answer carries through its sentences, with the sentence closest to the
    theme's centroid as its evidence (``score``: that cosine)."""
    best: dict[tuple[int, int], tuple[float, int]] = {}
    by_index = {theme.index: theme for theme in result.themes}
    for position, assignment in enumerate(result.assignments):
        if assignment == UNASSIGNED or int(assignment) not in ids:
            continue
        theme = by_index[int(assignment)]
        unit = units[position]
        score = float(vectors[position] @ theme.centroid) / max(
            float(np.linalg.norm(vectors[position]) * np.linalg.norm(theme.centroid)), 1e-12
        )
        key = (unit.response_id, ids[int(assignment)])
        if key not in best or score > best[key][0]:
            best[key] = (score, unit.id)
    return [
        {"answer_id": answer, "theme_id": theme, "score": round(score, 4), "evidence_unit_id": unit}
        for (answer, theme), (score, unit) in sorted(best.items())
    ]


def store_lineage(
    session: Session,
    community_id: int,
    job_id: str,
    result: ThemeResult,
    known: list[KnownTheme],
    *,
    question_id: int | None = None,
    parents: dict[int, int] | None = None,
    level: str = "fine",
    fixed: Mapping[int, int] | None = None,
) -> tuple[list[StoredTheme], dict[int, int]]:
    """Match a scope's themes to its stored ones and write them; themes of the scope no longer
    found are retired or marked merged. Returns the stored themes and their ids by index.

    ``fixed``: theme ids by index that are not matched (the codebook's codes keep their theme).
    """
    lineage = lineage_of(known, result, fixed or {})
    by_index = {entry.index: entry for entry in lineage if entry.index is not None}
    ended = [entry for entry in lineage if entry.index is None]
    stored: list[StoredTheme] = []
    ids: dict[int, int] = {}
    for found in result.themes:
        entry = by_index[found.index]
        theme = None
        if entry.status in ("continued", "merged"):
            theme = session.get(Theme, int(entry.theme_id))
        if theme is None:
            theme = Theme(
                community_id=community_id,
                first_job_id=job_id,
                lineage=[],
                question_id=question_id,
            )
            session.add(theme)
        theme.label, theme.keywords = found.label, list(found.keywords)
        theme.centroid = found.centroid.astype(np.float32).tobytes()
        theme.status, theme.last_job_id = "active", job_id
        theme.parent_id = (parents or {}).get(found.index)
        theme.level = level
        event = {
            "job": job_id,
            "status": entry.status,
            "at": utcnow().isoformat(),
            "related": list(entry.related_ids),
            "similarity": entry.similarity,
        }
        theme.lineage = [*(theme.lineage or []), event]
        session.flush()
        ids[found.index] = theme.id
        stored.append(StoredTheme(theme.id, found.index, theme.name, entry.status))
    for entry in ended:
        theme = session.get(Theme, int(entry.theme_id))
        if theme is not None:
            theme.status = "retired" if entry.status == "retired" else "merged"
            theme.lineage = [
                *(theme.lineage or []),
                {"job": job_id, "status": entry.status, "merged_into": entry.merged_into},
            ]
    return stored, ids


def lineage_of(
    known: list[KnownTheme], result: ThemeResult, fixed: Mapping[int, int]
) -> list[ThemeLineage]:
    """What became of each theme: the ``fixed`` ones continue as their theme; the others are
    matched to the known themes that are not fixed (:func:`match_themes`)."""
    if not fixed:
        return match_themes(known, result.centroids)
    kept = {str(theme_id) for theme_id in fixed.values()}
    free = [theme for theme in result.themes if theme.index not in fixed]
    centroids = np.stack([t.centroid for t in free]) if free else np.zeros((0, 0), dtype=np.float32)
    matched = match_themes([k for k in known if k.id not in kept], centroids)
    lineage = [
        replace(entry, index=free[entry.index].index) if entry.index is not None else entry
        for entry in matched
    ]
    return lineage + [
        ThemeLineage(str(theme_id), "continued", index=index, similarity=1.0)
        for index, theme_id in fixed.items()
    ]


def store_themes(
    engine: Engine,
    community_id: int,
    job_id: str,
    units: list[UnitRow],
    result: ThemeResult,
    vectors: np.ndarray | None = None,
    fixed: Mapping[int, int] | None = None,
) -> list[StoredTheme]:
    """Match to existing themes, then write themes and unit assignments in one transaction."""
    known = known_themes(engine, community_id)
    with db.transaction(engine, write=True) as session:
        stored, ids = store_lineage(session, community_id, job_id, result, known, fixed=fixed)
        by_theme: dict[int | None, list[int]] = defaultdict(list)
        for position, assignment in enumerate(result.assignments):
            theme_id = ids.get(int(assignment)) if assignment != UNASSIGNED else None
            by_theme[theme_id].append(units[position].id)
        unit_rows.unassign_other_languages(session, community_id)
        unit_rows.assign(session, by_theme)
        if vectors is not None:
            theme_rows.store_answer_themes(
                session, community_id, answer_codes(units, vectors, result, ids)
            )
    return stored


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.stored``."""
    analysis.stored = store_themes(
        context.engine,
        context.community_id,
        context.job_id,
        analysis.need_embedded().units,
        analysis.need_fit(),
        analysis.need_embedded().vectors,
        fixed=dict(enumerate(analysis.coded.theme_ids)) if analysis.coded is not None else None,
    )
