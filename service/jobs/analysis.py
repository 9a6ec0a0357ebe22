"""The analysis job: units, embeddings (cached, fanned out), concerns, themes, summaries.

Every stage is idempotent: units are keyed by (response, position), embeddings by (model, text
hash), and the theme results of a run replace the previous ones in one transaction at the end,
so a job that dies anywhere can simply be run again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Engine, select, update

from service.config import Settings
from service.jobs.runner import job_kind
from service.modelstore import ModelStore
from service.nlp.embeddings import text_hash
from service.privacy.thresholds import iso_week
from service.storage import db
from service.storage.tables import EmbeddingCache, Question, Response, Unit

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]


def build_units(engine: Engine, models: ModelStore, settings: Settings, community_id: int) -> int:
    """Split every free-text answer that has no units yet; return how many units were added."""
    from service.nlp.pipeline import load_sentence_splitter
    from service.nlp.units import split_units

    with db.transaction(engine) as session:
        pending = session.execute(
            select(Response.id, Response.respondent_id, Response.text, Response.submitted_at)
            .join(Question, Question.id == Response.question_id)
            .outerjoin(Unit, Unit.response_id == Response.id)
            .where(
                Response.community_id == community_id,
                Question.kind == "free_text",
                Response.text.is_not(None),
                Unit.id.is_(None),
            )
            .order_by(Response.id)
        ).all()
    if not pending:
        return 0
    nlp = load_sentence_splitter(settings.spacy_model)
    pieces = split_units([row.text for row in pending], nlp)
    added = 0
    with db.transaction(engine, write=True) as session:
        for row, units in zip(pending, pieces, strict=True):
            common = {
                "community_id": community_id,
                "response_id": row.id,
                "respondent_id": row.respondent_id,
                "week": iso_week(row.submitted_at),
                "submitted_at": row.submitted_at,
            }
            if not units:  # a non-answer: kept (so it is not split again) but never themed
                session.add(
                    Unit(
                        position=0,
                        text=row.text,
                        text_hash=text_hash(row.text),
                        non_answer=True,
                        **common,
                    )
                )
                continue
            for position, text in enumerate(units):
                session.add(
                    Unit(
                        position=position,
                        text=text,
                        text_hash=text_hash(text),
                        non_answer=False,
                        **common,
                    )
                )
                added += 1
    return added


def missing_embeddings(engine: Engine, model: str, community_id: int) -> list[str]:
    """Text hashes of the community's units that have no cached embedding for ``model``."""
    with db.transaction(engine) as session:
        rows = session.execute(
            select(Unit.text_hash)
            .distinct()
            .outerjoin(
                EmbeddingCache,
                (EmbeddingCache.text_hash == Unit.text_hash) & (EmbeddingCache.model == model),
            )
            .where(
                Unit.community_id == community_id,
                Unit.non_answer.is_(False),
                EmbeddingCache.id.is_(None),
            )
            .order_by(Unit.text_hash)
        )
        return [h for (h,) in rows]


def embed_missing(engine: Engine, models: ModelStore, text_hashes: Sequence[str]) -> int:
    """Embed the texts behind ``text_hashes`` that are still missing; safe to run concurrently."""
    embedder = models.embedder
    with db.transaction(engine) as session:
        done = set(
            session.scalars(
                select(EmbeddingCache.text_hash).where(
                    EmbeddingCache.model == embedder.name,
                    EmbeddingCache.text_hash.in_(list(text_hashes)),
                )
            )
        )
        todo = [h for h in text_hashes if h not in done]
        texts: dict[str, str] = {}
        for hash_, text in session.execute(
            select(Unit.text_hash, Unit.text).where(Unit.text_hash.in_(todo))
        ):
            texts.setdefault(hash_, text)
    todo = [h for h in todo if h in texts]
    if not todo:
        return 0
    vectors = embedder.embed([texts[h] for h in todo])
    rows = [
        {"model": embedder.name, "text_hash": h, "vector": v.astype(np.float32).tobytes()}
        for h, v in zip(todo, vectors, strict=True)
    ]
    with db.transaction(engine, write=True) as session:
        # Another worker may store some of the same texts first: those rows are skipped.
        stored = session.execute(_insert_new(engine, rows)).scalars().all()
    return len(stored)


def _insert_new(engine: Engine, rows: list[dict[str, Any]]) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` for the embedding cache (PostgreSQL or SQLite)."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = EmbeddingCache.__table__
    return (
        insert(table)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["model", "text_hash"])
        .returning(table.c.text_hash)
    )


def load_embeddings(
    engine: Engine, model: str, text_hashes: Sequence[str]
) -> dict[str, np.ndarray]:
    """Cached vectors by text hash."""
    found: dict[str, np.ndarray] = {}
    with db.transaction(engine) as session:
        for start in range(0, len(text_hashes), 500):
            chunk = list(text_hashes[start : start + 500])
            for hash_, blob in session.execute(
                select(EmbeddingCache.text_hash, EmbeddingCache.vector).where(
                    EmbeddingCache.model == model, EmbeddingCache.text_hash.in_(chunk)
                )
            ):
                found[hash_] = np.frombuffer(blob, dtype=np.float32)
    return found


def embed_stage(
    engine: Engine,
    models: ModelStore,
    settings: Settings,
    community_id: int,
    progress: Progress,
    *,
    start: float,
    end: float,
) -> int:
    """Embed what is missing, in chunks; with Celery the chunks are also fanned out to workers.

    The job itself walks the chunks too, skipping those another worker finished, so it never
    waits on a subtask (no deadlock with a single worker) and the cache is filled exactly once.
    """
    missing = missing_embeddings(engine, models.embedder.name, community_id)
    size = settings.embedding_chunk_size
    chunks = [missing[i : i + size] for i in range(0, len(missing), size)]
    if settings.broker_url and len(chunks) > 1:
        from service.jobs.celery_app import celery_app

        for chunk in chunks[1:]:
            celery_app.send_task("peerpulse.embed_chunk", args=[chunk])
    embedded = 0
    # From the last chunk back: workers take the fanned-out chunks from the front, so the job
    # meets them in the middle instead of embedding the same chunks in the same order.
    for done, chunk in enumerate(reversed(chunks), start=1):
        embedded += embed_missing(engine, models, chunk)
        progress(
            start + (end - start) * done / len(chunks),
            f"embedded {min(done * size, len(missing))} of {len(missing)} new texts",
        )
    return embedded


def analysis_units(engine: Engine, community_id: int) -> list[dict[str, Any]]:
    """The units to theme, in a stable order."""
    with db.transaction(engine) as session:
        rows = session.execute(
            select(
                Unit.id,
                Unit.response_id,
                Unit.text,
                Unit.text_hash,
                Unit.week,
                Unit.respondent_id,
                Unit.concern_level,
                Unit.concern_probability,
                Unit.sentiment,
            )
            .where(Unit.community_id == community_id, Unit.non_answer.is_(False))
            .order_by(Unit.id)
        ).all()
    return [row._asdict() for row in rows]


def _themes_out(
    stored: list[dict[str, Any]], concerns: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    keys = ("id", "label", "keywords", "units", "respondents", "share", "trend", "weekly", "quotes")
    by_theme = {c["theme_id"]: c for c in concerns}
    out = []
    for theme in stored:
        row = {k: (theme["name"] or theme["label"]) if k == "label" else theme[k] for k in keys}
        if row["respondents"] is None:  # a group under the minimum: no figure describes it
            row.update(units=None, share=None, trend=None)
        concern = by_theme.get(theme["id"], {})
        row.update(
            concern_share=concern.get("concern_share", 0.0), sentiment=concern.get("sentiment")
        )
        out.append(row)
    return out


def _concern_reason(
    concern: Any, label: str, *, severe_ok: bool, trend_ok: bool, segment_word: str = "role"
) -> str:
    """The ranking's reason line, keeping only figures about groups of at least the minimum."""
    from dataclasses import replace

    from service.concerns.ranking import reason_line

    shown = replace(
        concern,
        label=label,
        severe_respondents=concern.severe_respondents if severe_ok else 0,
        trend=concern.trend if trend_ok else 0,
    )
    return reason_line(shown, segment_word=segment_word)


def concern_entry(concern: Any, label: str, privacy: Any, *, rank: int) -> dict[str, Any]:
    """One theme's worry as shown anywhere: nothing about a group under the minimum.

    The worried members and the rest of the theme's members must each be none or at least the
    minimum; so must the severe ones and the rest of the worried, and the worried members in the
    first and the latest week for a trend. A withheld entry keeps its ``rank`` (its score would
    give its count away) and says only that some members voice worry.
    """
    minimum = privacy.min_group
    worried, severe = concern.concerned_respondents, concern.severe_respondents
    visible = privacy.may_show_part(worried, concern.respondents)
    severe_ok = visible and privacy.may_show_part(severe, worried)
    first = concern.first_period_concerned
    trend_ok = (
        visible
        and concern.first_period is not None
        and all(n == 0 or n >= minimum for n in (first, first + concern.trend))
    )
    direction = "rising" if concern.trend > 0 else "fading" if concern.trend < 0 else "steady"
    sentiment = concern.sentiment if concern.respondents >= minimum else None
    return {
        "label": label,
        "rank": rank,
        "score": round(concern.score, 4) if visible else None,
        "concerned_respondents": worried if visible else None,
        "severe_respondents": severe if severe_ok else None,
        "intensity": round(concern.intensity, 3) if visible else None,
        "trend": direction if trend_ok else None,
        "concern_share": round(concern.concern_share, 3) if visible else None,
        "sentiment": None if sentiment is None else round(sentiment, 3),
        "reason": _concern_reason(concern, label, severe_ok=severe_ok, trend_ok=trend_ok)
        if visible
        else f"Some members voice worry about “{label}” ({privacy.note()})",
        "suppressed": not visible,
    }


@job_kind("analysis")
def run_analysis(
    engine: Engine, models: ModelStore, settings: Settings, job: Any, progress: Progress
) -> dict[str, Any]:
    """The whole analysis of one community; the result is what ``analyze --json`` prints."""
    from service.jobs.themes_stage import _summaries, fit_themes, store_run
    from service.privacy.thresholds import Confidentiality

    community_id = job.community_id
    progress(0.02, "splitting answers into sentence units")
    build_units(engine, models, settings, community_id)
    progress(0.10, "embedding new texts")
    embed_stage(engine, models, settings, community_id, progress, start=0.10, end=0.55)
    units = analysis_units(engine, community_id)
    cached = load_embeddings(engine, models.embedder.name, [u["text_hash"] for u in units])
    units = [u for u in units if u["text_hash"] in cached]
    vectors = (
        np.stack([cached[u["text_hash"]] for u in units])
        if units
        else np.zeros((0, models.embedder.dim), dtype=np.float32)
    )
    progress(0.58, "scoring worries")
    score_concerns(engine, models, units, vectors)
    progress(0.60, f"finding themes in {len(units)} units")
    result = fit_themes(models, settings, [u["text"] for u in units], vectors)
    privacy = Confidentiality(
        min_group=settings.min_group_size, min_quote_group=settings.min_quote_group_size
    )
    progress(0.85, "matching themes to earlier runs and choosing quotes")
    summaries = _summaries(units, vectors, result, privacy, seed=settings.theme_seed)
    stored = store_run(engine, community_id, job.id, units, result, summaries)
    progress(0.92, "ranking the themes that carry worry")
    concerns = store_theme_concerns(engine, community_id, privacy)
    progress(0.94, "holding themes against the community's goals")
    from service.storage.repositories.goals import store_alignment

    goals = store_alignment(engine, community_id, models=models, privacy=privacy, job_id=job.id)
    progress(0.96, "ranking agenda suggestions")
    from service.storage.repositories.suggestions import build_suggestions

    suggestions = build_suggestions(engine, community_id, job.id, settings=settings)
    with db.transaction(engine) as session:
        from service.storage.repositories import metrics
        from service.storage.tables import Community

        figures = metrics.community_metrics(session, session.get(Community, community_id), privacy)
    return {
        "run_id": job.id,
        "themes": _themes_out(stored, concerns),
        "concerns": concerns,
        "suggestions": suggestions,
        "metrics": figures,
        "goals": goals,
        "unassigned_share": round(result.unassigned_share, 4),
        "units": len(units),
    }


def score_concerns(
    engine: Engine, models: ModelStore, units: list[dict[str, Any]], vectors: np.ndarray
) -> int:
    """Score the units that have no concern level yet (from their cached embeddings)."""
    todo = [i for i, u in enumerate(units) if u["concern_level"] is None]
    if not todo:
        return 0
    # Each sentence is read with its answer: a fragment ("Trying not to spiral.") in a worried
    # answer is worry. A response's units are stored together, so they are scored together.
    scores = models.concern_scorer.score_embedded(
        [units[i]["text"] for i in todo],
        vectors[todo],
        answers=[units[i]["response_id"] for i in todo],
    )
    changes = []
    for i, score in zip(todo, scores, strict=True):
        values = {
            "concern_level": int(score.level),
            "concern_probability": float(score.probability),
            "sentiment": float(score.sentiment),
        }
        units[i].update(values)
        changes.append({"id": units[i]["id"], **values})
    with db.transaction(engine, write=True) as session:
        session.execute(update(Unit), changes)  # one bulk UPDATE by primary key
    return len(todo)


def store_theme_concerns(engine: Engine, community_id: int, privacy: Any) -> list[dict[str, Any]]:
    """Rank the active themes by the worry they carry; small groups are suppressed."""
    from service.concerns.ranking import rank_themes
    from service.concerns.schemas import ScoredUnit
    from service.storage.tables import Respondent, Theme

    with db.transaction(engine, write=True) as session:
        themes = {
            t.id: t
            for t in session.scalars(
                select(Theme).where(Theme.community_id == community_id, Theme.status == "active")
            )
        }
        roles = dict(
            session.execute(
                select(Respondent.id, Respondent.role).where(
                    Respondent.community_id == community_id
                )
            ).all()
        )
        scored = [
            ScoredUnit(
                theme_id,
                str(respondent),
                level,
                probability or 0.0,
                segment=roles.get(respondent),
                period=week,
                sentiment=sentiment,
            )
            for theme_id, respondent, level, probability, week, sentiment in session.execute(
                select(
                    Unit.theme_id,
                    Unit.respondent_id,
                    Unit.concern_level,
                    Unit.concern_probability,
                    Unit.week,
                    Unit.sentiment,
                ).where(
                    Unit.community_id == community_id,
                    Unit.theme_id.is_not(None),
                    Unit.concern_level.is_not(None),
                )
            )
        ]
        ranked = rank_themes(scored, labels={i: t.name or t.label for i, t in themes.items()})
        out = []
        for concern in ranked:
            theme = themes.get(concern.theme_id)
            if theme is None:
                continue
            entry = concern_entry(concern, theme.name or theme.label, privacy, rank=len(out) + 1)
            theme.summary = {**(theme.summary or {}), "concern": entry}
            out.append({"theme_id": theme.id, **entry})
    return out
