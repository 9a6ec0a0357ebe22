"""Stage: rank the active themes by the worry they carry; figures about small groups withheld."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from service.analysis.context import Analysis, Context, Progress
from service.concerns.ranking import rank_themes, reason_line
from service.concerns.schemas import ScoredUnit, ThemeConcern
from service.privacy.thresholds import Confidentiality
from service.storage import db
from service.storage.repositories import respondents as respondent_rows
from service.storage.repositories import themes as theme_rows
from service.storage.repositories import units as unit_rows


def _reason(
    concern: ThemeConcern, label: str, *, severe_ok: bool, trend_ok: bool, noun: str
) -> str:
    """The ranking's reason line, keeping only figures about groups of at least the minimum."""
    shown = replace(
        concern,
        label=label,
        severe_respondents=concern.severe_respondents if severe_ok else 0,
        trend=concern.trend if trend_ok else 0,
    )
    return reason_line(shown, segment_word="role", noun=noun)


def concern_entry(
    concern: ThemeConcern,
    label: str,
    privacy: Confidentiality,
    *,
    rank: int,
    noun: str = "member",
) -> dict[str, Any]:
    """One theme's worry as shown anywhere: nothing about a group under the minimum.

    The worried members and the rest of the theme's members must each be none or at least the
    minimum; so must the severe ones and the rest of the worried, and the worried members in the
    first and the latest week for a trend. A withheld entry keeps its ``rank`` (its score would
    give its count away) and says only that some members voice worry. ``noun`` is "response"
    for a theme with responses that carry no respondent identifier.
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
        "reason": _reason(concern, label, severe_ok=severe_ok, trend_ok=trend_ok, noun=noun)
        if visible
        else f"Some {noun}s voice worry about “{label}” ({privacy.note()})",
        "suppressed": not visible,
    }


def rank_worry(context: Context) -> list[dict[str, Any]]:
    """Rank and store the worry of the active themes; the ``concerns`` list, best first."""
    with db.transaction(context.engine, write=True) as session:
        themes = {t.id: t for t in theme_rows.active(session, context.community_id)}
        roles = respondent_rows.roles(session, context.community_id)
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
            for theme_id, respondent, level, probability, week, sentiment in (
                unit_rows.scored_in_themes(session, context.community_id)
            )
        ]
        ranked = rank_themes(scored, labels={i: t.name or t.label for i, t in themes.items()})
        unidentified = theme_rows.unidentified_theme_ids(session, context.community_id)
        entries: dict[int, dict[str, Any]] = {}
        out: list[dict[str, Any]] = []
        for concern in ranked:
            theme = themes.get(concern.theme_id)
            if theme is None:
                continue
            label = theme.name or theme.label
            entry = concern_entry(
                concern,
                label,
                context.privacy,
                rank=len(out) + 1,
                noun="response" if theme.id in unidentified else "member",
            )
            entries[theme.id] = entry
            out.append({"theme_id": theme.id, **entry})
        theme_rows.store_worries(session, context.community_id, entries)
    return out


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.worries``."""
    analysis.worries = rank_worry(context)
