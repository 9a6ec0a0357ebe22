"""What one recipient's digest says, shaped from stored rows under the confidentiality rules.

Everything here is plain data; nothing is rendered yet. Every figure about a group passes
:class:`~service.privacy.thresholds.Confidentiality`: a group under the minimum size is shown as
"fewer than N responses" and never as a number, a share, a bar or a trend; quotes appear only
for the roles that may read members' words
(:func:`~service.privacy.thresholds.may_read_answers`: the committee and facilitators, never a
viewer), never for a suppressed theme, and never when they narrow to a tiny group.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from service.digest.figures import shown
from service.digest.schemas import (
    GOAL_STATUS,
    MAX_GOALS,
    Bar,
    ConcernItem,
    DigestContent,
    Figure,
    GoalItem,
    Measure,
    ParticipationItem,
    PollItem,
    QuoteItem,
    SaidDidItem,
    SuggestionItem,
    SuggestionRow,
    ThemeItem,
    ThemeRow,
    UncoveredItem,
)
from service.privacy.thresholds import NARROWING, Confidentiality, may_read_answers

MAX_THEMES = 5
MAX_QUOTES = 2
MAX_SUGGESTIONS = 5
BAR_PX = 160
_MEASURES = (
    ("satisfaction", "Satisfaction (average rating)"),
    ("nps", "Net Promoter Score"),
    ("attendance", "Attendance"),
)


def period_label(period: str) -> str:
    """``2026-W41`` as "Week 41, 5–11 October 2026"."""
    year, week = period.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    sunday = date.fromisocalendar(int(year), int(week), 7)
    start = f"{monday.day} {monday:%B}" if monday.month != sunday.month else f"{monday.day}"
    if monday.year != sunday.year:
        start = f"{monday.day} {monday:%B %Y}"
    return f"Week {int(week)}, {start}\u2013{sunday.day} {sunday:%B %Y}"


def latest_week(period: str, themes: Sequence[ThemeRow], metrics: Mapping[str, Any]) -> str | None:
    """The latest ISO week with data up to ``period``: a theme's weekly count, a weekly figure
    or a week of participation; None when there is none.

    The digest names this week, not the week it is sent in: answers that end in week 42 make a
    week-49 digest about week 42 (it used to read "Week 49: 0 rising").
    """
    weeks = {str(w) for t in themes for w, _ in t.weekly}
    for cells in (metrics.get("weekly") or {}).values():
        weeks |= {str(c.get("week")) for c in cells or () if isinstance(c, Mapping)}
    for row in metrics.get("participation") or ():
        if isinstance(row, Mapping):
            weeks.add(str(row.get("week")))
    dated = sorted(w for w in weeks if "-W" in w and w <= period)
    return dated[-1] if dated else None


def count_figure(privacy: Confidentiality, value: Any, noun: str = "") -> Figure:
    """A count as text, or the suppression note when it is missing or under the minimum."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Figure(privacy.note(), None)
    count = int(value)
    if 0 < count < privacy.min_group:
        return Figure(privacy.note(), None)
    return Figure(f"{count} {noun}".strip(), count)


def build_content(
    *,
    community_name: str,
    slug: str,
    period: str,
    role: str,
    dashboard_url: str,
    privacy: Confidentiality,
    themes: Sequence[ThemeRow],
    awaiting: Sequence[SuggestionRow],
    accepted: Sequence[SuggestionRow],
    metrics: Mapping[str, Any],
    today: date,
    goals: Sequence[Mapping[str, Any]] = (),
    unidentified: Collection[int] = (),
    counted_as: str = "members",
    said_did: Sequence[Mapping[str, Any]] = (),
    poll: PollItem | None = None,
) -> DigestContent:
    """Shape one digest for ``role`` from a community's themes, suggestions and metrics.

    ``goals`` are the goals' stored alignments (``repositories.goals.digest_goals``); the
    themes no goal covers come from the themes' summaries. ``unidentified`` are the ids of themes
    with units from responses without a respondent identifier: their counts say "responses";
    ``counted_as`` says the same of the community's weekly participation. ``said_did`` are the
    outcomes a facilitator recorded for the latest session (``repositories.outcomes.recent``).
    """
    quoting = may_read_answers(role)
    items = [
        _theme(privacy, t, quoting, noun="responses" if _id(t) in unidentified else "members")
        for t in themes
    ]
    widest = max((i.members.value or 0 for i in items), default=0)
    items = [_with_width(i, widest) for i in items]
    by_trend = {
        trend: tuple(_largest(i for i in items if i.trend == trend))
        for trend in ("new", "rising", "fading")
    }
    upcoming = [s for s in accepted if s.session_date is None or s.session_date.date() >= today]
    data_week = latest_week(period, themes, metrics)
    return DigestContent(
        community_name=community_name,
        slug=slug,
        period=period,
        period_label=period_label(data_week or period),
        data_week=data_week,
        role=role,
        dashboard_url=dashboard_url,
        min_group=privacy.min_group,
        suppressed_note=privacy.note(),
        analysed=bool(themes),
        new=by_trend["new"],
        rising=by_trend["rising"],
        fading=by_trend["fading"],
        steady=sum(1 for i in items if i.trend == "steady"),
        concerns=_concerns(privacy, themes),
        awaiting=tuple(_suggestion(s) for s in awaiting[:MAX_SUGGESTIONS]),
        more_awaiting=max(len(awaiting) - MAX_SUGGESTIONS, 0),
        agenda=tuple(_suggestion(s) for s in upcoming[: MAX_SUGGESTIONS * 2]),
        measures=_measures(privacy, metrics.get("weekly") or {}),
        participation=_participation(privacy, metrics.get("participation") or [], noun=counted_as),
        goals=_goals(goals),
        uncovered=_uncovered(themes) if goals else (),
        said_did=_said_did(said_did),
        poll=poll,
    )


def _said_did(rows: Sequence[Mapping[str, Any]]) -> tuple[SaidDidItem, ...]:
    """ "You said -> we did": each outcome with its session's date as people read it."""
    items = []
    for row in rows:
        day = date.fromisoformat(str(row["session_date"]))
        items.append(
            SaidDidItem(
                said=str(row.get("said") or "").strip(),
                did=str(row.get("discussed") or "").strip(),
                next_step=str(row.get("action") or "").strip(),
                session_date=f"{day:%a} {day.day} {day:%B %Y}",
            )
        )
    return tuple(items[:MAX_SUGGESTIONS])


def _goals(goals: Sequence[Mapping[str, Any]]) -> tuple[GoalItem, ...]:
    """Goals with a gap first (ahead of members, then barely raised), then the others."""
    order = {"ahead_of_members": 0, "barely_raised": 1}
    ranked = sorted(
        (g for g in goals if isinstance(g, Mapping) and g.get("text")),
        key=lambda g: (order.get(str(g.get("gap")), 2), g.get("id") or 0),
    )
    return tuple(
        GoalItem(
            text=str(g["text"]).strip(),
            owner=str(g.get("owner") or ""),
            status=GOAL_STATUS.get(g.get("gap"), str(g.get("gap"))),
            reason=str(g.get("reason") or "").strip(),
        )
        for g in ranked[:MAX_GOALS]
    )


def _uncovered(themes: Sequence[ThemeRow]) -> tuple[UncoveredItem, ...]:
    gaps = [(theme_name(t), t.goal_gap) for t in themes if t.goal_gap is not None]
    gaps.sort(key=lambda pair: (-int(pair[1].get("members") or 0), pair[0]))
    return tuple(UncoveredItem(name, str(gap.get("reason") or "")) for name, gap in gaps[:3])


def theme_name(theme: ThemeRow) -> str:
    """A human-given name wins over the generated label."""
    return (theme.name or theme.label or "Unnamed theme").strip()


def _id(theme: ThemeRow) -> int | None:
    return getattr(theme, "id", None)


def _theme(
    privacy: Confidentiality, theme: ThemeRow, quoting: bool, *, noun: str = "members"
) -> ThemeItem:
    members = count_figure(privacy, theme.respondents, noun)
    if theme.suppressed:
        members = Figure(privacy.note(), None)
    share = theme.share
    visible = not members.suppressed
    weeks = list(theme.weekly)[-6:]
    figures = [count_figure(privacy, count if visible else None) for _, count in weeks]
    top = max((f.value or 0 for f in figures), default=0)
    quotes = [
        QuoteItem(text.strip()[:280], week or "")
        for text, week in theme.quotes
        if text and not NARROWING.search(text)
    ]
    return ThemeItem(
        name=theme_name(theme),
        keywords=tuple(str(k) for k in (theme.keywords or [])[:5]),
        # A small group's trend is a figure about it too: it is listed under no trend.
        trend=(theme.trend or "steady") if visible else "withheld",
        members=members,
        share=f"{share:.0%}" if visible and isinstance(share, int | float) else None,
        width=0,
        weeks=tuple(
            Bar(week, f, _width(f.value, top)) for (week, _), f in zip(weeks, figures, strict=True)
        ),
        quotes=tuple(quotes[:MAX_QUOTES]) if quoting and visible else (),
    )


def _with_width(item: ThemeItem, widest: int) -> ThemeItem:
    return replace(item, width=_width(item.members.value, widest))


def _width(value: int | None, top: int) -> int:
    if not value or not top:
        return 0
    return max(4, round(BAR_PX * value / top))


def _largest(items: Any) -> list[ThemeItem]:
    ranked = sorted(items, key=lambda i: (i.members.suppressed, -(i.members.value or 0), i.name))
    return ranked[:MAX_THEMES]


def _carries_worry(concern: Mapping[str, Any]) -> bool:
    """Some members sound worried: a withheld entry or a positive count."""
    return bool(concern.get("suppressed") or concern.get("concerned_respondents"))


def _concerns(privacy: Confidentiality, themes: Sequence[ThemeRow]) -> tuple[ConcernItem, ...]:
    ranked: list[tuple[float, ConcernItem]] = []
    for theme in themes:
        concern = theme.concern
        if concern is None or not _carries_worry(concern):
            continue
        suppressed = theme.suppressed
        worried = count_figure(
            privacy,
            None if suppressed else concern.get("concerned_respondents"),
            "members worried",
        )
        severe = concern.get("severe_respondents")
        item = ConcernItem(
            name=theme_name(theme),
            reason=str(concern.get("reason") or "").strip(),
            worried=worried,
            severe=None if worried.suppressed or severe == 0 else count_figure(privacy, severe),
        )
        ranked.append((float(concern.get("rank") or 10**6), item))
    ranked.sort(key=lambda pair: (pair[0], pair[1].name))
    return tuple(item for _, item in ranked[:MAX_THEMES])


def _suggestion(suggestion: SuggestionRow) -> SuggestionItem:
    when = suggestion.session_date
    evidence = getattr(suggestion, "evidence", None) or {}
    return SuggestionItem(
        title=suggestion.title.strip(),
        why=(suggestion.why or "").strip(),
        angles=tuple(str(a) for a in (suggestion.angles or [])[:3]),
        # a theme past its peak is a note to follow up, not a new topic
        format="follow up?"
        if evidence.get("follow_up")
        else (suggestion.format or "").replace("_", " "),
        session_date=f"{when:%a} {when.day} {when:%B %Y}" if when else None,
    )


def _measures(privacy: Confidentiality, weekly: Mapping[str, Any]) -> tuple[Measure, ...]:
    out = []
    for key, label in _MEASURES:
        cells = [c for c in weekly.get(key) or [] if isinstance(c, Mapping)]
        if not cells:
            continue
        latest = cells[-1]
        previous = cells[-2] if len(cells) > 1 else None
        shown = not latest.get("suppressed") and latest.get("value") is not None
        change = None
        if (
            shown
            and previous
            and not previous.get("suppressed")
            and previous.get("value") is not None
        ):
            delta = _format(key, latest["value"] - previous["value"], signed=True)
            change = f"{delta} on {previous['week']}"
        out.append(
            Measure(
                label=label,
                week=str(latest.get("week", "")),
                value=_format(key, latest["value"]) if shown else privacy.note(),
                responses=count_figure(privacy, latest.get("n") if shown else None, "responses"),
                change=change,
            )
        )
    return tuple(out)


def _format(key: str, value: float, *, signed: bool = False) -> str:
    return shown(value, key, signed=signed)


def _participation(
    privacy: Confidentiality, rows: Sequence[Mapping[str, Any]], *, noun: str = "members"
) -> ParticipationItem | None:
    rows = [r for r in rows if isinstance(r, Mapping) and r.get("week") not in (None, "unknown")]
    if not rows:
        return None
    latest = rows[-1]
    recent = rows[-8:]
    figures = [count_figure(privacy, r.get("active")) for r in recent]
    top = max((f.value or 0 for f in figures), default=0)
    rate = latest.get("response_rate")
    first_time = count_figure(privacy, latest.get("first_time"))
    returning = count_figure(privacy, latest.get("returning"))
    if first_time.suppressed or returning.suppressed:
        # The two add up to the active members: one hidden part would be the total minus the other.
        first_time = returning = Figure(privacy.note(), None)
    return ParticipationItem(
        week=str(latest["week"]),
        active=count_figure(privacy, latest.get("active"), noun),
        first_time=first_time,
        returning=returning,
        lapsed=count_figure(privacy, latest.get("lapsed")),
        response_rate=shown(rate, "response_rate") if isinstance(rate, int | float) else None,
        bars=tuple(
            Bar(str(r["week"]), f, _width(f.value, top))
            for r, f in zip(recent, figures, strict=True)
        ),
    )
