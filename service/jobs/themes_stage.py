"""The theme stage of an analysis: fit, match identities, trends, quotes, and store the run."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np
from sqlalchemy import Engine, select

from service.config import Settings
from service.modelstore import ModelStore
from service.privacy.thresholds import Confidentiality
from service.storage import db
from service.storage.tables import Theme, Unit, utcnow
from service.themes.identity import KnownTheme, match_themes
from service.themes.quotes import representative_quotes
from service.themes.schemas import UNASSIGNED, ThemeResult
from service.themes.trends import classify_trends, weekly_counts


def fit_themes(
    models: ModelStore, settings: Settings, texts: list[str], vectors: np.ndarray
) -> ThemeResult:
    """Fit the production theme model (deterministic for the configured seed)."""
    from service.themes.model import BERTopicThemeModel, configure_numba_cache

    configure_numba_cache(settings.data_dir)
    model = BERTopicThemeModel(
        lexicon=models.theme_lexicon, embedder=models.embedder, random_state=settings.theme_seed
    )
    return model.fit(texts, vectors)


def _known(engine: Engine, community_id: int) -> list[KnownTheme]:
    with db.transaction(engine) as session:
        rows = session.scalars(
            select(Theme)
            .where(Theme.community_id == community_id, Theme.status == "active")
            .order_by(Theme.id)
        )
        return [
            KnownTheme(str(t.id), np.frombuffer(t.centroid, dtype=np.float32), t.name) for t in rows
        ]


def _summaries(
    units: list[dict[str, Any]],
    vectors: np.ndarray,
    result: ThemeResult,
    privacy: Confidentiality,
    *,
    seed: int,
) -> list[dict[str, Any]]:
    """Per theme of this run: counts, members, share, weekly series, trend and quotes."""
    totals = Counter(u["week"] for u in units)
    pairs = [
        (int(a), units[i]["week"]) for i, a in enumerate(result.assignments) if a != UNASSIGNED
    ]
    series = weekly_counts(pairs, totals)
    trends = classify_trends(series)
    summaries = []
    for theme in result.themes:
        members = result.members(theme.index)
        respondents = {units[i]["respondent_id"] for i in members}
        visible = len(respondents) >= privacy.min_group
        picked = (
            representative_quotes(
                [units[i]["id"] for i in members],
                [units[i]["text"] for i in members],
                vectors[members],
                centroid=theme.centroid,
                k=6,
            )
            if visible
            else []
        )
        weeks = {units[i]["id"]: units[i]["week"] for i in members}
        quotes = privacy.quotes([(q.text, None) for q in picked], seed=seed)[:3]
        week_of = {q.text: weeks[q.unit_id] for q in picked}
        weekly = [
            {"week": w.week, "count": w.count if visible else None}
            for w in series.get(theme.index, [])
        ]
        summaries.append(
            {
                "index": theme.index,
                "label": theme.label,
                "keywords": list(theme.keywords),
                "units": int(theme.size),
                "respondents": len(respondents) if visible else None,
                "respondent_ids": sorted(respondents),
                "share": round(theme.size / max(1, len(units)), 4),
                "trend": trends[theme.index].trend if theme.index in trends else "steady",
                "weekly": weekly,
                "quotes": [{"text": q.text, "week": week_of.get(q.text, q.week)} for q in quotes],
                "suppressed": not visible,
            }
        )
    return summaries


def store_run(
    engine: Engine,
    community_id: int,
    job_id: str,
    units: list[dict[str, Any]],
    result: ThemeResult,
    summaries: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Match to existing themes, then write themes and unit assignments in one transaction."""
    lineage = match_themes(_known(engine, community_id), result.centroids)
    by_index = {entry.index: entry for entry in lineage if entry.index is not None}
    ended = [entry for entry in lineage if entry.index is None]
    stored: list[dict[str, Any]] = []
    with db.transaction(engine, write=True) as session:
        ids: dict[int, int] = {}
        for summary in summaries:
            entry = by_index[summary["index"]]
            theme = None
            if entry.status in ("continued", "merged"):
                theme = session.get(Theme, int(entry.theme_id))
            if theme is None:
                theme = Theme(community_id=community_id, first_job_id=job_id, lineage=[])
                session.add(theme)
            centroid = result.themes[summary["index"]].centroid.astype(np.float32)
            theme.label, theme.keywords, theme.centroid = (
                summary["label"],
                summary["keywords"],
                centroid.tobytes(),
            )
            theme.status, theme.last_job_id = "active", job_id
            event = {
                "job": job_id,
                "status": entry.status,
                "at": utcnow().isoformat(),
                "related": list(entry.related_ids),
                "similarity": entry.similarity,
            }
            theme.lineage = [*(theme.lineage or []), event]
            public = {k: v for k, v in summary.items() if k not in ("index", "respondent_ids")}
            theme.summary = {**public, "concern": (theme.summary or {}).get("concern")}
            session.flush()
            ids[summary["index"]] = theme.id
            stored.append({**summary, "id": theme.id, "name": theme.name, "lineage": entry.status})
        for entry in ended:
            theme = session.get(Theme, int(entry.theme_id))
            if theme is not None:
                theme.status = "retired" if entry.status == "retired" else "merged"
                theme.lineage = [
                    *(theme.lineage or []),
                    {"job": job_id, "status": entry.status, "merged_into": entry.merged_into},
                ]
        by_theme: dict[int | None, list[int]] = defaultdict(list)
        for position, assignment in enumerate(result.assignments):
            by_theme[ids.get(int(assignment)) if assignment != UNASSIGNED else None].append(
                units[position]["id"]
            )
        for theme_id, unit_ids in by_theme.items():
            for start in range(0, len(unit_ids), 500):
                session.execute(
                    Unit.__table__.update()
                    .where(Unit.id.in_(unit_ids[start : start + 500]))
                    .values(theme_id=theme_id)
                )
    return stored
