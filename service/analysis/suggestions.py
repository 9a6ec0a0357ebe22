"""Stage: rank, write and store the agenda suggestions of one analysis.

The angles are written outside any transaction (an LLM endpoint may be slow); everything is then
stored in one write transaction by the re-run rules of :mod:`service.agenda.review`: a
suggestion the committee already has is updated (what it edited is kept), a new one is created,
one that came back after a decision says so, and a stale one nobody touched goes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from service.agenda.angles import AngleWriter, make_writer
from service.agenda.requests import is_request_question
from service.agenda.review import LIVE, Known, combine, plan
from service.agenda.schemas import AgendaSuggestion, ChoiceAnswer, ThemeView, UnitView, cover_of
from service.agenda.service import suggest
from service.analysis.context import Analysis, Context, Progress
from service.config import Settings
from service.privacy.thresholds import Confidentiality, iso_week
from service.storage import db
from service.storage.repositories import reviews
from service.storage.repositories import suggestions as rows_of
from service.storage.repositories import themes as theme_rows
from service.storage.repositories.segments import respondent_segments
from service.storage.repositories.units import to_theme
from service.storage.tables import Suggestion, Theme, utcnow

#: What a re-run keeps from the stored evidence of a suggestion.
KEPT_EVIDENCE = (
    "edited",
    "decided_size",
    "decided_at",
    "resurfaced_from",
    "grown_from",
    "merged_from",
)


def theme_view(theme: Theme) -> ThemeView:
    """A stored theme as the agenda reads it (figures, quotes, worry and goals)."""
    return ThemeView(
        id=theme.id,
        label=theme.name or theme.label,
        keywords=tuple(str(k) for k in theme.keywords or ()),
        units=theme.unit_count,
        respondents=theme.member_count,
        share=theme.share,
        trend=theme.trend,
        weekly=tuple((w.week, w.count) for w in theme.weeks),
        quotes=tuple((q.text, q.week or "") for q in theme.quotes),
        suppressed=theme.suppressed,
        concern=theme_rows.worry_entry(theme.worry) if theme.worry is not None else None,
        goals=tuple(theme_rows.goal_links(theme)),
    )


def choice_answers(session: Session, community_id: int) -> list[ChoiceAnswer]:
    """Answers to choice questions that ask which topics to discuss, with the question's text."""
    return [
        ChoiceAnswer(
            r.respondent_id,
            r.text,
            tuple(str(c) for c in r.value_choices or ()),
            iso_week(r.submitted_at),
        )
        for r in rows_of.choice_answers(session, community_id)
        if is_request_question(r.text)
    ]


def unit_views(session: Session, community_id: int) -> list[UnitView]:
    """The community's answer units with theme, worry level and sentiment."""
    return [
        UnitView(
            id=r.id,
            text=r.text,
            theme_id=r.theme_id,
            respondent_id=r.respondent_id,
            week=r.week or "",
            concern_level=r.concern_level,
            sentiment=r.sentiment,
        )
        for r in to_theme(session, community_id)
    ]


def build_suggestions(
    engine: Engine,
    community_id: int,
    job_id: str | None,
    *,
    settings: Settings,
    themes: Sequence[ThemeView | Mapping[str, Any]] | None = None,
    units: Sequence[UnitView | Mapping[str, Any]] | None = None,
    segments: Mapping[int, Mapping[str, str | None]] | None = None,
    answers: Sequence[ChoiceAnswer] | None = None,
    writer: AngleWriter | None = None,
) -> list[dict[str, Any]]:
    """Rank, write and store one analysis's suggestions; the ``analyze --json`` list, best first.

    Whatever is not given is read from the database: the active themes and the units as the
    earlier stages stored them, respondents' segments and answers to topic-request questions.
    Running it again with the same input changes nothing.
    """
    privacy = Confidentiality.from_settings(settings)
    with db.transaction(engine) as session:
        if themes is None:
            themes = [theme_view(t) for t in theme_rows.active(session, community_id)]
        units = unit_views(session, community_id) if units is None else units
        segments = respondent_segments(session, community_id) if segments is None else segments
        answers = choice_answers(session, community_id) if answers is None else answers
    drafts = suggest(
        themes,
        units,
        privacy=privacy,
        segments=segments,
        answers=answers,
        writer=writer or make_writer(settings.llm, seed=settings.theme_seed),
        seed=settings.theme_seed,
    )
    with db.transaction(engine, write=True) as session:
        return [rows_of.public(s) for s in save_run(session, community_id, job_id, drafts=drafts)]


def _known(row: Suggestion) -> Known:
    evidence = row.evidence or {}
    return Known(
        row.id,
        row.status,
        cover_of(row.theme_ids, evidence.get("requests")),
        evidence.get("decided_size"),
        evidence.get("decided_at") or "",
    )


def _apply(row: Suggestion, content: dict[str, Any], job_id: str | None) -> None:
    old = row.evidence or {}
    edited = set(old.get("edited", ()))
    for name in rows_of.CONTENT:
        if name not in edited:
            setattr(row, name, content[name])
    row.theme_ids = sorted({*(row.theme_ids or ()), *content["theme_ids"]})
    evidence = {**content["evidence"], **{k: old[k] for k in KEPT_EVIDENCE if k in old}}
    requests = list(dict.fromkeys([*old.get("requests", ()), *evidence.get("requests", ())]))
    if requests:
        evidence["requests"] = requests
    row.evidence = {**evidence, "current": True}
    row.job_id, row.updated_at = job_id, utcnow()


def save_run(
    session: Session, community_id: int, job_id: str | None, *, drafts: Sequence[AgendaSuggestion]
) -> list[Suggestion]:
    """Store a run's suggestions by the re-run rules; the current ones, best first."""
    rows = rows_of.of_community(session, community_id)
    by_id = {row.id: row for row in rows}
    known = [_known(row) for row in rows]
    updates: dict[int, list[AgendaSuggestion]] = {}
    current: list[Suggestion] = []
    actor = f"job:{job_id}" if job_id else "analysis"
    for draft in drafts:
        step = plan(draft.cover, draft.size, known)
        if step.action == "update" and step.target is not None:
            updates.setdefault(step.target, []).append(draft)
        elif step.action == "create":
            row = Suggestion(community_id=community_id, status="open", evidence={})
            _apply(row, combine([draft]), job_id)
            if step.resurfaced_from is not None:
                previous = by_id[step.resurfaced_from]
                row.why = (
                    f"Back after the committee {previous.status} it: grown from "
                    f"{step.grown_from} to {draft.size} since. {row.why}"
                )
                row.evidence = {
                    **row.evidence,
                    "resurfaced_from": previous.id,
                    "grown_from": step.grown_from,
                }
            session.add(row)
            session.flush()
            reviews.audit(
                session,
                community_id,
                actor=actor,
                suggestion_id=row.id,
                action="suggestion.resurface" if step.resurfaced_from else "suggestion.create",
                detail={"title": row.title, "theme_ids": row.theme_ids},
            )
            current.append(row)
    for target, group in updates.items():
        _apply(by_id[target], combine(group), job_id)
        current.append(by_id[target])
    stale = [row for row in rows if row.status in LIVE and row not in current]
    active = rows_of.with_activity(session, [row.id for row in stale])
    for row in stale:
        if row.status == "open" and row.id not in active and not (row.evidence or {}).get("edited"):
            session.delete(row)
        else:
            row.evidence = {**(row.evidence or {}), "current": False}
    session.flush()
    return sorted(current, key=rows_of.rank_key)


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.suggestions``."""
    analysis.suggestions = build_suggestions(
        context.engine, context.community_id, context.job_id, settings=context.settings
    )
