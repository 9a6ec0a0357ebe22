"""The analysis of one community, stage by stage: the table of contents.

Each stage is a module of :mod:`service.analysis` with a ``run(context, analysis, progress)``
that reads what earlier stages set on :class:`~service.analysis.context.Analysis`, stores its
own results and sets its own field. The embedded runner and the Celery worker both run a job
through :func:`run_analysis`, which walks :data:`STAGES` in order; each stage's share of the
progress bar is its weight. Every stage can run again after a crash: units are keyed by
(answer, position), embeddings by (model, text hash), and each later stage replaces what it
stored the last time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from service.analysis import (
    assignment,
    codebook,
    embeddings,
    goals,
    metrics,
    parents,
    question_themes,
    suggestions,
    themes,
    trends,
    units,
    worry,
    worry_ranking,
)
from service.analysis.context import Analysis, Context, Progress, StoredTheme, ThemeFigures
from service.config import Settings
from service.jobs.runner import job_kind
from service.modelstore import ModelStore


@dataclass(frozen=True)
class Stage:
    """One step of an analysis: its name, its share of the progress bar, what it says."""

    name: str
    weight: float
    message: str
    run: Callable[[Context, Analysis, Progress], None]


STAGES: tuple[Stage, ...] = (
    Stage("units", 0.08, "splitting answers into sentence units", units.run),
    Stage("embeddings", 0.47, "embedding new texts", embeddings.run),
    Stage("worry", 0.03, "scoring worries", worry.run),
    Stage("codebook", 0.02, "coding answers against the codebook", codebook.run),
    Stage("themes", 0.22, "finding themes", themes.run),
    Stage("assignment", 0.04, "matching themes to earlier runs", assignment.run),
    Stage("codebook review", 0.01, "remembering the committee's decisions", codebook.review),
    Stage("trends", 0.03, "counting weeks and choosing quotes", trends.run),
    Stage("parent themes", 0.03, "gathering themes under parents", parents.run),
    Stage("question themes", 0.06, "finding each question's themes", question_themes.run),
    Stage("worry ranking", 0.02, "ranking the themes that carry worry", worry_ranking.run),
    Stage("goals", 0.02, "holding themes against the community's goals", goals.run),
    Stage("suggestions", 0.07, "ranking agenda suggestions", suggestions.run),
    Stage("metrics", 0.02, "reading attendance and satisfaction", metrics.run),
)


def walk(context: Context, progress: Progress, stages: tuple[Stage, ...] = STAGES) -> Analysis:
    """Run ``stages`` in order on one community; what they found."""
    analysis = Analysis()
    total = sum(stage.weight for stage in stages)
    done = 0.0
    for stage in stages:
        start, width = done / total, stage.weight / total
        end = (done + stage.weight) / total

        def within(
            fraction: float,
            message: str,
            start: float = start,
            width: float = width,
            end: float = end,
        ) -> None:
            # at most the next stage's start: a stage's end and the next start differ in float
            progress(min(start + width * min(max(fraction, 0.0), 1.0), end), message)

        progress(start, stage.message)
        stage.run(context, analysis, within)
        done += stage.weight
    return analysis


def theme_entry(
    stored: StoredTheme,
    theme: ThemeFigures,
    worry_of: dict[str, Any],
    *,
    question: str | None = None,
    parent_id: int | None = None,
    level: str = "fine",
) -> dict[str, Any]:
    """One theme as ``analyze --json`` prints it; a group under the minimum has no figure."""
    hidden = theme.respondents is None
    return {
        "id": stored.id,
        "label": stored.name or theme.label,
        "keywords": list(theme.keywords),
        "units": None if hidden else theme.units,
        "respondents": theme.respondents,
        "share": None if hidden else theme.share,
        "trend": None if hidden else theme.trend,
        "weekly": [{"week": week, "count": count} for week, count in theme.weekly],
        "quotes": [{"text": text, "week": week} for text, week in theme.quotes],
        "concern_share": worry_of.get("concern_share", 0.0),
        "sentiment": worry_of.get("sentiment"),
        "question": question,
        "parent_id": parent_id,
        "level": level,
        "summary": [{"text": text, "answer_ids": list(ids)} for text, ids in theme.summary],
    }


def result_of(analysis: Analysis, job_id: str) -> dict[str, Any]:
    """What ``analyze --json`` prints and the job stores as its result: the community-wide fine
    themes first (``question`` null, ``parent_id`` their parent's), then the parents (``level``
    ``parent``), then each question's own (``parent_id``: their community-wide theme)."""
    by_theme = {w["theme_id"]: w for w in analysis.worries}
    figures = {f.index: f for f in analysis.figures}
    themes_out = [
        theme_entry(
            stored,
            figures[stored.index],
            by_theme.get(stored.id, {}),
            parent_id=analysis.parent_of.get(stored.id),
        )
        for stored in analysis.stored
    ]
    parents = {f.index: f for f in analysis.parent_figures}
    themes_out += [
        theme_entry(stored, parents[stored.index], {}, level="parent")
        for stored in analysis.parents
    ]
    for scope in analysis.question_themes:
        own = {f.index: f for f in scope.figures}
        themes_out += [
            theme_entry(
                stored,
                own[stored.index],
                {},
                question=scope.question,
                parent_id=scope.parents.get(stored.index),
            )
            for stored in scope.stored
        ]
    fit = analysis.fit
    return {
        "run_id": job_id,
        "themes": themes_out,
        "concerns": analysis.worries,
        "suggestions": analysis.suggestions,
        "metrics": analysis.metrics,
        "goals": analysis.goals,
        "unassigned_share": round(fit.unassigned_share, 4) if fit is not None else 0.0,
        "units": len(analysis.embedded.units) if analysis.embedded is not None else 0,
        "other_languages": analysis.other_languages,
    }


@job_kind("analysis")
def run_analysis(
    engine: Engine, models: ModelStore, settings: Settings, job: Any, progress: Progress
) -> dict[str, Any]:
    """The whole analysis of one community; the result is what ``analyze --json`` prints."""
    context = Context(engine, models, settings, job.community_id, job.id)
    return result_of(walk(context, progress), job.id)
