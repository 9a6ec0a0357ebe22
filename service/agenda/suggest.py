"""Rank themes into agenda suggestions: score, why now, quotes and whose perspective to invite.

The score of a theme counts the members behind it, with extra weight for worry and requests:

    weight = members + W_WORRY * worried + W_SEVERE * severe + W_REQUEST * requesters
    score  = weight / members_who_answered * MOMENTUM[trend] * breadth

``worried`` and ``severe`` are members whose highest concern in the theme is at level 2 or 3
(from the theme's concern summary, else from the units' levels; 0 while neither exists);
``requesters`` are members who ticked a matching topic or wrote a request in the theme
(:mod:`service.agenda.requests`). ``MOMENTUM`` favours what is growing now: ``rising`` 1.5,
``new`` 1.3 and ``fading`` 0.4, the trends of the analysis's slope test
(:mod:`service.agenda.timing`). Recent weeks weigh most for every theme: the factor is multiplied
by the theme's recency factor (its share of all units with each week weighted ``0.5 ** (age /
2 weeks)``, over its plain share), kept within :data:`SOFT_MOMENTUM`. The agenda is for next
week: a theme that went from 32 mentions to 1 should not rank as if nothing happened.
``breadth`` is ``1 + BREADTH_STEP`` per further role (or department) among the members, up to
four. So twelve members of whom eight
sound worried, rising, outrank thirty calm members of a steady theme, and a fading theme needs
well over twice the members of a steady one to stay ahead of it.

Time decides the order beyond the score (:func:`priority`): rising (or new) worry comes first; a
theme past its own peak (:func:`service.agenda.timing.past_peak`: its last two weeks at most
half its peak week's share) is not suggested as a new topic but after all of them, as a
"follow up?" note.

Confidentiality: a theme whose members are fewer than the minimum group is never suggested, and
a count in the "why now" sentence is shown only when it is at least the minimum group ("some of
them" otherwise). Quotes come from the theme's own units through
:meth:`~service.privacy.thresholds.Confidentiality.quotes` (narrowing phrases withheld).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.agenda.groups import DIMENSION_PLURAL, divergence_phrase
from service.agenda.schemas import Divergence, ThemeView, UnitView
from service.agenda.session_formats import FormatFacts
from service.agenda.timing import Peak, past_peak, recency_factor
from service.nlp.statements import is_solution_statement
from service.privacy.thresholds import Confidentiality

W_WORRY = 1.5
W_SEVERE = 1.0
W_REQUEST = 1.0
MOMENTUM = {"rising": 1.5, "new": 1.3, "steady": 1.0, "fading": 0.4}
RECENT_WEEKS = 2
SOFT_MOMENTUM = (0.5, 1.5)
BREADTH_STEP = 0.05
BREADTH_CAP = 4


@dataclass(frozen=True)
class ThemeFacts:
    """What the ranking knows about one theme (estimates are used, never shown).

    Attributes:
        theme: The theme.
        members: Members who raised it.
        total: Members who answered at all.
        worried: Members who sound worried (estimate, 0 when unknown).
        worried_share: ``worried / members`` when concern is known, else None.
        severe: Members with a severe worry (estimate).
        requesters: Members who asked to discuss it.
        breadth: Groups of ``breadth_dimension`` among its members.
        breadth_dimension: ``role``, or ``function`` when roles are unknown.
        solution_members: Members who report something that worked.
        divergences: Significant segment differences in the theme, strongest first.
        momentum: The trend factor of the score (:func:`momentum`).
        change: Recent against earlier mentions (:func:`recent_change`).
        peak: The theme's peak when it has faded since (a "follow up?" note, not a new topic).
    """

    theme: ThemeView
    members: int
    total: int
    worried: int = 0
    worried_share: float | None = None
    severe: int = 0
    requesters: int = 0
    breadth: int = 0
    breadth_dimension: str = "role"
    solution_members: int = 0
    divergences: tuple[Divergence, ...] = ()
    momentum: float = 1.0
    change: tuple[int, int, float] | None = None
    peak: Peak | None = None


def _concern(theme: ThemeView, units: Sequence[UnitView]) -> tuple[int, float | None, int]:
    """``(worried, share, severe)`` from the concern summary, else from unit levels."""
    top: dict[int, int] = {}
    for unit in units:
        if unit.concern_level is not None:
            top[unit.respondent_id] = max(top.get(unit.respondent_id, 0), int(unit.concern_level))
    worried_u = sum(level >= 2 for level in top.values())
    severe_u = sum(level >= 3 for level in top.values())
    concern, members = theme.concern or {}, theme.respondents or 0
    share = concern.get("share_worried")
    worried = concern.get("concerned_respondents", concern.get("worried_members"))
    if worried is None:
        worried = worried_u if top else round((share or 0.0) * members)
    if share is None and top:
        share = worried_u / len(top)
    severe = concern.get("severe_respondents", concern.get("severe"))
    return (
        int(worried),
        (float(share) if share is not None else None),
        int(severe if severe is not None else severe_u),
    )


def theme_facts(
    theme: ThemeView,
    units: Sequence[UnitView],
    *,
    total: int,
    segments: Mapping[int, Mapping[str, str | None]],
    requesters: int = 0,
    divergences: Sequence[Divergence] = (),
    totals: Mapping[str, int] | None = None,
) -> ThemeFacts:
    """Gather :class:`ThemeFacts` for ``theme`` from its own ``units`` (``totals``: all units
    per week, for the soft momentum)."""
    worried, share, severe = _concern(theme, units)
    members = {u.respondent_id for u in units}
    dimension = "role" if any((segments.get(m) or {}).get("role") for m in members) else "function"
    groups = {(segments.get(m) or {}).get(dimension) for m in members} - {None, ""}
    solvers = {u.respondent_id for u in units if is_solution_statement(u.text)}
    totals = totals or {}
    return ThemeFacts(
        theme,
        int(theme.respondents or len(members)),
        max(total, 1),
        worried,
        share,
        severe,
        requesters,
        len(groups),
        dimension,
        len(solvers),
        tuple(divergences),
        momentum(theme, totals),
        recent_change(theme, totals),
        past_peak(theme.weekly, dict(totals)),
    )


def recent_change(theme: ThemeView, totals: Mapping[str, int]) -> tuple[int, int, float] | None:
    """``(mentions in the last weeks, mentions before, share ratio)`` of a theme's weekly series.

    Shares of all units per week when ``totals`` knows every week, else mentions per week;
    None when the series is too short or suppressed.
    """
    series = [(w, c) for w, c in theme.weekly if c is not None]
    if len(series) <= RECENT_WEEKS:
        return None
    recent, before = series[-RECENT_WEEKS:], series[:-RECENT_WEEKS]
    r_count, b_count = sum(c for _, c in recent), sum(c for _, c in before)
    if all(totals.get(w) for w, _ in series):
        r_base, b_base = sum(totals[w] for w, _ in recent), sum(totals[w] for w, _ in before)
    else:
        r_base, b_base = len(recent), len(before)
    ratio = ((r_count + 1) / (r_base + 2)) / ((b_count + 1) / (b_base + 2))
    return r_count, b_count, ratio


def weekly_exposure(
    theme: ThemeView, totals: Mapping[str, int]
) -> tuple[list[int], list[int]] | None:
    """``(mentions, units)`` per week of a theme's series, with mentions per week as units
    (one each) when ``totals`` does not know every week; None when suppressed or empty."""
    series = [(w, c) for w, c in theme.weekly if c is not None]
    if not series:
        return None
    counts = [int(c) for _, c in series]
    if all(totals.get(w) for w, _ in series):
        return counts, [int(totals[w]) for w, _ in series]
    return counts, [1] * len(series)


def momentum(theme: ThemeView, totals: Mapping[str, int]) -> float:
    """The trend's factor times the recency factor of the theme's weekly series (module
    docstring): recent weeks weigh most, for every trend."""
    base = MOMENTUM.get(theme.trend, 1.0)
    series = weekly_exposure(theme, totals)
    if series is None:
        return base
    low, high = SOFT_MOMENTUM
    recency = min(max(recency_factor(*series), low), high)
    return round(base * recency, 4)


def score(facts: ThemeFacts) -> float:
    """The ranking score (see the module docstring)."""
    weight = (
        facts.members
        + W_WORRY * facts.worried
        + W_SEVERE * facts.severe
        + W_REQUEST * facts.requesters
    )
    breadth = 1 + BREADTH_STEP * min(max(facts.breadth - 1, 0), BREADTH_CAP)
    return round(weight / facts.total * facts.momentum * breadth, 6)


FOLLOW_UP, REGULAR, RISING_WORRY = 0, 1, 2


def priority(facts: ThemeFacts, *, worried: bool) -> int:
    """:data:`RISING_WORRY` for a rising or new theme that sounds worried (``worried``: the
    format rule's high concern), :data:`FOLLOW_UP` for a theme past its peak, else
    :data:`REGULAR`."""
    if facts.peak is not None:
        return FOLLOW_UP
    if worried and facts.theme.trend in ("rising", "new"):
        return RISING_WORRY
    return REGULAR


def follow_up_sentence(peak: Peak, members: int, total: int) -> str:
    """Why a faded theme is a "follow up?" note rather than a new topic."""
    return (
        f"Follow up? {members} members raised it ({members / max(total, 1):.0%} of the {total} "
        f"who answered), but mentions peaked at {peak.count} in {peak.week} and fell to "
        f"{peak.recent} in the last two weeks: ask how it turned out rather than open it as a "
        "new topic."
    )


def format_facts(facts: ThemeFacts, privacy: Confidentiality, sensitive: str | None) -> FormatFacts:
    """What :func:`~service.agenda.session_formats.choose_format` needs: publishable counts."""
    shown = facts.worried if facts.worried >= privacy.min_group else None
    solvers = facts.solution_members
    return FormatFacts(
        worried_share=facts.worried_share,
        worried_shown=shown,
        worried=facts.worried,
        severe=facts.severe,
        members=facts.members,
        sensitive=sensitive,
        solution_members=solvers,
        solution_shown=solvers if solvers >= privacy.min_group else None,
        divergences=facts.divergences,
        group_phrase=divergence_phrase(facts.divergences[0]) if facts.divergences else "",
    )


def _shown(count: int, privacy: Confidentiality) -> str | None:
    return str(count) if count >= privacy.min_group else None


def momentum_phrase(theme: ThemeView, change: tuple[int, int, float] | None = None) -> str:
    """ "rising: 11 mentions in 2026-W41, up from 3 in 2026-W38" and the like."""
    weeks = [(w, c) for w, c in theme.weekly if c is not None]
    if theme.trend == "steady" and change is not None and not 0.8 < change[2] < 1.25:
        recent, before = change[0], change[1]
        more = "more" if change[2] > 1 else "fewer"
        return (
            f"{more} mentions lately ({recent} in the last {RECENT_WEEKS} weeks, {before} "
            f"in the {len(weeks) - RECENT_WEEKS} weeks before)"
        )
    if theme.trend == "rising" and change is not None and len(weeks) > RECENT_WEEKS:
        # The windows differ in length: "5 ..., up from 6 in the 4 weeks before" reads wrong.
        link = "up from" if change[0] > change[1] else "against"
        return (
            f"rising: {change[0]} mentions in the last {RECENT_WEEKS} weeks, {link} "
            f"{change[1]} in the {len(weeks) - RECENT_WEEKS} weeks before"
        )
    if theme.trend == "new":
        return f"new in {weeks[-1][0]}" if weeks else "new this period"
    if theme.trend in ("rising", "fading") and len(weeks) >= 2:
        last_week, last = weeks[-1]
        ref_week, ref = (
            weeks[0] if theme.trend == "rising" else max(weeks[:-1], key=lambda wc: wc[1] or 0)
        )
        direction = "up" if theme.trend == "rising" else "down"
        return (
            f"{theme.trend}: {last} mentions in {last_week}, {direction} from {ref} in {ref_week}"
        )
    if theme.trend in ("rising", "fading"):
        return theme.trend
    return f"steady over {len(theme.weekly)} weeks" if len(theme.weekly) > 1 else "steady"


def why_sentence(facts: ThemeFacts, privacy: Confidentiality) -> str:
    """The evidence as one sentence: counts, concern, momentum, requests, breadth."""
    parts = [
        f"{facts.members} members raised it ({facts.members / facts.total:.0%} of the "
        f"{facts.total} who answered)"
    ]
    if facts.worried_share is not None:
        if facts.worried <= 0:
            parts.append("none of them sounds worried")
        else:
            shown = _shown(facts.worried, privacy)
            parts.append(
                f"{shown or 'some'} of them sound worried"
                + (", some severely" if facts.severe > 0 else "")
            )
    parts.append(momentum_phrase(facts.theme, facts.change))
    if facts.requesters:
        parts.append(f"{_shown(facts.requesters, privacy) or 'some'} members asked to discuss it")
    if facts.breadth >= 2:
        dims = DIMENSION_PLURAL.get(facts.breadth_dimension, "groups")
        parts.append(f"raised across {facts.breadth} {dims}")
    return "; ".join(parts) + "."


def by_theme(units: Sequence[UnitView]) -> dict[int, list[UnitView]]:
    """Units grouped by theme id (unthemed units left out)."""
    grouped: dict[int, list[UnitView]] = defaultdict(list)
    for unit in units:
        if unit.theme_id is not None:
            grouped[unit.theme_id].append(unit)
    return grouped
