"""Rank themes by the worry they carry: breadth of worried members first, then intensity.

The score of a theme is

    score = sum over members of  p_i * (1 + SEVERE_BONUS * severe_i)     (weighted breadth)
            * (1 - SHARE_WEIGHT + SHARE_WEIGHT * concerned_members / members)   (concentration)
            * momentum

where ``p_i`` is the highest worry probability among member *i*'s units in the theme and
``severe_i`` is 1 when one of them is at level 3. A member counts once however often they
write, so five members with one clear worry each outrank one member with ten severe ones.
``momentum`` is ``1 + MOMENTUM_WEIGHT * trend / members``, clipped to [1 - MOMENTUM_WEIGHT,
1 + MOMENTUM_WEIGHT], where ``trend`` is the change in worried members from the first period to
the latest. Everything here is a pure function of its inputs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from service.concerns.schemas import SEVERE_LEVEL, WORRY_LEVEL, ScoredUnit, ThemeConcern

SEVERE_BONUS = 0.5
SHARE_WEIGHT = 0.25
MOMENTUM_WEIGHT = 0.25


@dataclass
class _Member:
    top_probability: float = 0.0
    top_level: int = 0
    segment: str | None = None
    worried_periods: set[Any] = field(default_factory=set)


def _members(units: list[ScoredUnit]) -> dict[str, _Member]:
    members: dict[str, _Member] = defaultdict(_Member)
    for unit in units:
        member = members[unit.respondent_key]
        member.top_probability = max(member.top_probability, float(unit.probability))
        member.top_level = max(member.top_level, int(unit.level))
        member.segment = member.segment or unit.segment
        if unit.level >= WORRY_LEVEL and unit.period is not None:
            member.worried_periods.add(unit.period)
    return members


def _trend(units: list[ScoredUnit], members: Mapping[str, _Member]) -> tuple[int, Any, int]:
    """(latest minus first period's worried members, first period, its worried members)."""
    periods = sorted({unit.period for unit in units if unit.period is not None})
    if not periods:
        return 0, None, 0
    first, last = periods[0], periods[-1]
    at_first = sum(first in member.worried_periods for member in members.values())
    at_last = sum(last in member.worried_periods for member in members.values())
    return at_last - at_first, first, at_first


def _mean_sentiment(units: list[ScoredUnit]) -> float | None:
    values = [float(u.sentiment) for u in units if u.sentiment is not None]
    return sum(values) / len(values) if values else None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def reason_line(concern: ThemeConcern, *, segment_word: str = "role", noun: str = "member") -> str:
    """One plain-language line: "7 of 18 members voice worry about ...; 3 describe ...".

    ``noun`` is "response" where some of the theme's responses carry no respondent identifier:
    each of those counts once, and one person may have written several.
    """
    if concern.concerned_respondents == 0:
        return f"None of {_plural(concern.respondents, noun)} voices worry here."
    verb = "voices" if concern.concerned_respondents == 1 else "voice"
    parts = [
        f"{concern.concerned_respondents} of {_plural(concern.respondents, noun)} {verb} worry"
    ]
    if concern.label:
        parts[0] += f" about \u201c{concern.label}\u201d"
    if concern.segments > 1:
        parts[0] += f" across {_plural(concern.segments, segment_word)}"
    if concern.severe_respondents:
        verb = "describes" if concern.severe_respondents == 1 else "describe"
        parts.append(
            f"{concern.severe_respondents} {verb} severe strain (lost sleep, fear for their job, "
            "burnout)"
        )
    if concern.trend and concern.first_period is not None:
        direction = "up" if concern.trend > 0 else "down"
        parts.append(f"{direction} from {concern.first_period_concerned} in {concern.first_period}")
    return "; ".join(parts) + "."


def theme_concern(
    theme_id: Any, units: Iterable[ScoredUnit], *, label: str = "", segment_word: str = "role"
) -> ThemeConcern:
    """Figures, score and reason for one theme's units (all with this ``theme_id``)."""
    unit_list = list(units)
    members = _members(unit_list)
    worried = [m for m in members.values() if m.top_level >= WORRY_LEVEL]
    n_units = len(unit_list)
    trend, first_period, first_concerned = _trend(unit_list, members)
    breadth = sum(
        m.top_probability * (1 + SEVERE_BONUS * (m.top_level >= SEVERE_LEVEL)) for m in worried
    )
    share_of_members = len(worried) / len(members) if members else 0.0
    momentum = 1 + MOMENTUM_WEIGHT * trend / max(len(members), 1)
    momentum = min(max(momentum, 1 - MOMENTUM_WEIGHT), 1 + MOMENTUM_WEIGHT)
    score = breadth * (1 - SHARE_WEIGHT + SHARE_WEIGHT * share_of_members) * momentum
    concern = ThemeConcern(
        theme_id=theme_id,
        label=label,
        score=round(score, 6),
        units=n_units,
        respondents=len(members),
        concerned_respondents=len(worried),
        severe_respondents=sum(m.top_level >= SEVERE_LEVEL for m in worried),
        concern_share=sum(u.level >= WORRY_LEVEL for u in unit_list) / n_units if n_units else 0.0,
        mean_probability=sum(float(u.probability) for u in unit_list) / n_units if n_units else 0.0,
        intensity=sum(m.top_level for m in worried) / len(worried) if worried else 0.0,
        severe_units=sum(u.level >= SEVERE_LEVEL for u in unit_list),
        segments=len({m.segment for m in worried if m.segment}),
        trend=trend,
        first_period=first_period,
        first_period_concerned=first_concerned,
        sentiment=_mean_sentiment(unit_list),
        reason="",
    )
    return replace(concern, reason=reason_line(concern, segment_word=segment_word))


def rank_themes(
    units: Iterable[ScoredUnit],
    *,
    labels: Mapping[Any, str] | None = None,
    segment_word: str = "role",
) -> list[ThemeConcern]:
    """Every theme's :class:`ThemeConcern`, highest score first (ties: more members, then id)."""
    by_theme: dict[Any, list[ScoredUnit]] = defaultdict(list)
    for unit in units:
        by_theme[unit.theme_id].append(unit)
    labels = labels or {}
    ranked = [
        theme_concern(
            theme_id, theme_units, label=labels.get(theme_id, ""), segment_word=segment_word
        )
        for theme_id, theme_units in by_theme.items()
    ]
    return sorted(ranked, key=lambda c: (-c.score, -c.concerned_respondents, str(c.theme_id)))
