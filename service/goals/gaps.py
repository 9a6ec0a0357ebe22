"""Gaps both ways, with a plain-language reason, and a goal's weekly readiness signals.

The rules (every figure about fewer than ``min_group`` members is withheld):

* **Barely raised**: fewer than :data:`BARELY_SHARE` of the members who answered (and never
  fewer than the minimum group) write about the goal's themes, or no theme speaks to it.
* **Ahead of members**: members raise it, but of those whose words say where they stand,
  most describe something in the way: the members naming a barrier are at least
  :data:`AHEAD_SHARE` of the goal's members and at least :data:`AHEAD_RATIO` times those naming
  progress. The program is asking for something members do not yet have the means to start.
* **Uncovered theme**: a member theme that no goal matches, that at least
  :data:`STRONG_SHARE` of the members who answered raise (and at least the minimum group),
  and whose units hang together (:data:`MIN_COHERENCE`); the :data:`MAX_UNCOVERED` largest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from service.goals.align import explain
from service.goals.schemas import GoalView, ThemeInput, ThemeLink, UncoveredTheme, WeekSignals
from service.privacy.thresholds import Confidentiality

BARELY_SHARE = 0.10
AHEAD_SHARE = 0.25
AHEAD_RATIO = 2.0
STRONG_SHARE = 0.15
MIN_COHERENCE = 0.45
"""A theme whose units sit further than this from its centroid on average is a mixed bag (on the
sample community, the themes labelled "Can't and matters" or "Didn't and client", at 0.39-0.43,
against 0.48-0.71 for the others): it is not offered as a purpose worth adding."""
MAX_UNCOVERED = 3
RECENT_WEEKS = 2


def classify_gap(
    members: int, total: int, barrier: int, progress: int, *, min_group: int
) -> str | None:
    """``barely_raised``, ``ahead_of_members`` or None (see the module docstring)."""
    if members == 0 or members < max(min_group, BARELY_SHARE * total):
        return "barely_raised"
    if barrier >= AHEAD_SHARE * members and barrier >= AHEAD_RATIO * max(progress, 0.5):
        return "ahead_of_members"
    return None


def goal_trend(weekly: Counter[str], totals: Counter[str]) -> str:
    """``new``, ``rising``, ``fading`` or ``steady``: the goal's share of all units, recent weeks
    against the weeks before (add-one smoothing; a ratio of 1.5 either way counts)."""
    weeks = sorted(w for w in totals if w != "unknown")
    if len(weeks) <= RECENT_WEEKS:
        return "steady"
    recent, before = weeks[-RECENT_WEEKS:], weeks[:-RECENT_WEEKS]
    r_count, b_count = sum(weekly[w] for w in recent), sum(weekly[w] for w in before)
    if b_count == 0 and r_count > 0:
        return "new"
    r_base, b_base = sum(totals[w] for w in recent), sum(totals[w] for w in before)
    ratio = ((r_count + 1) / (r_base + 2)) / ((b_count + 1) / (b_base + 2))
    return "rising" if ratio >= 1.5 else "fading" if ratio <= 1 / 1.5 else "steady"


def weekly_signals(
    members: dict[str, set[int]],
    barrier: dict[str, set[int]],
    progress: dict[str, set[int]],
    privacy: Confidentiality,
) -> list[WeekSignals]:
    """Per week, the goal's members and the shares naming barriers or progress."""
    out = []
    for week in sorted(members):
        size = len(members[week])
        if size < privacy.min_group:
            out.append(WeekSignals(week, None, None, None, True))
            continue
        out.append(
            WeekSignals(
                week,
                size,
                shown_share(len(barrier.get(week, ())), size, privacy),
                shown_share(len(progress.get(week, ())), size, privacy),
                False,
            )
        )
    return out


def shown_share(part: int, whole: int, privacy: Confidentiality) -> float | None:
    """``part / whole``, or None when it would describe a group under the minimum.

    The part and the rest of the group must each be empty or reach the minimum (see
    :meth:`Confidentiality.may_show_part`): "10 % name a barrier" of ten singles out one member.
    """
    if whole < privacy.min_group or not privacy.may_show_part(part, whole):
        return None
    return round(part / whole, 3)


def _percent(share: float | None, what: str) -> str:
    return f"{share:.0%} {what}" if share is not None else f"some {what}"


def _quoted(phrases: Sequence[str]) -> str:
    return ", ".join(f"\u201c{p}\u201d" for p in phrases)


def _count(count: int, privacy: Confidentiality) -> str:
    return str(count) if count >= privacy.min_group else f"fewer than {privacy.min_group}"


def _who(members: int, total: int, privacy: Confidentiality, noun: str = "members") -> str:
    """Who writes about a goal, with no figure that describes a group under the minimum.

    The members who answered are a group too, and so are the rest of them: "6 of the 7 members
    who answered" would single out the seventh, so a count is only given with its total when both
    the part and the rest may be shown. ``noun`` is "responses" where some responses carry no
    respondent identifier (then each such response counts as one).
    """
    rest = total - members
    if total >= privacy.min_group and (rest == 0 or rest >= privacy.min_group):
        return f"{_count(members, privacy)} of the {total} {_answered(noun)}"
    if members < privacy.min_group:
        return f"{_count(members, privacy)} {noun}"
    return f"most of the {_answered(noun)}"


def _answered(noun: str) -> str:
    return "responses" if noun == "responses" else f"{noun} who answered"


def goal_reason(
    goal: GoalView,
    links: Sequence[ThemeLink],
    *,
    gap: str | None,
    members: int,
    total: int,
    shares: tuple[float | None, float | None],
    phrases: tuple[Sequence[str], ...],
    privacy: Confidentiality,
    noun: str = "members",
) -> str:
    """The plain-language reason for a goal's status (``noun``: see :func:`_who`)."""
    barrier_share, progress_share = shares
    barriers, progress = phrases
    who = _who(members, total, privacy, noun)
    if not links:
        return (
            f"Members barely raise it: no theme in what members write speaks to "
            f"\u201c{goal.text}\u201d yet."
        )
    about = "; ".join(f"\u201c{link.label}\u201d ({explain(link)})" for link in links)
    if gap == "barely_raised":
        return f"Members barely raise it: {who} write about {about}."
    if gap == "ahead_of_members":
        what = f" ({_quoted(barriers[:3])})" if barriers else ""
        return (
            f"Ahead of members' reality: {who} write about it ({about}), but mostly as a "
            f"barrier: {_percent(barrier_share, 'describe something in the way')}{what} and "
            f"{_percent(progress_share, 'report progress')}. Start from where members are: "
            "what is in the way, and what a first step could be."
        )
    done = f" ({_quoted(progress[:3])})" if progress else ""
    return (
        f"{who[0].upper() + who[1:]} write about it ({about}); "
        f"{_percent(progress_share, 'report progress')}{done} and "
        f"{_percent(barrier_share, 'describe something in the way')}."
    )


def uncovered_themes(
    themes: Sequence[ThemeInput],
    best: dict[int, tuple[int | None, float]],
    *,
    total: int,
    threshold: float,
    privacy: Confidentiality,
    goal_text: dict[int, str],
    noun: str = "members",
) -> list[UncoveredTheme]:
    """Strong member themes no goal covers, most members first."""
    out = []
    of_whom = "all responses" if noun == "responses" else "those who answered"
    for theme in themes:
        members = theme.respondents or 0
        closest, similarity = best.get(theme.id, (None, 0.0))
        if (
            theme.suppressed
            or members < max(privacy.min_group, STRONG_SHARE * total)
            or similarity >= threshold
            or (theme.coherence is not None and theme.coherence < MIN_COHERENCE)
        ):
            continue
        share = members / max(total, 1)
        near = (
            f" The closest goal, \u201c{goal_text[closest]}\u201d, is only loosely related "
            f"(similarity {similarity:.2f})."
            if closest is not None
            else ""
        )
        trend = "" if theme.trend == "steady" else f", {theme.trend}"
        reason = (
            f"{members} {noun} ({share:.0%} of {of_whom}) raise "
            f"\u201c{theme.label}\u201d{trend}, and no goal covers it.{near} "
            "A purpose worth considering."
        )
        quotes = tuple(
            {"text": str(q.get("text", "")), "week": str(q.get("week", ""))}
            for q in theme.quotes
            if q.get("text") and "[" not in str(q["text"]) and "]" not in str(q["text"])
        )[:2]
        out.append(
            UncoveredTheme(
                theme.id,
                theme.label,
                members,
                round(share, 3),
                theme.trend,
                reason,
                theme.keywords[:5],
                quotes,
                closest,
                round(similarity, 3) if closest is not None else None,
            )
        )
    return sorted(out, key=lambda u: (-u.members, u.label))[:MAX_UNCOVERED]
