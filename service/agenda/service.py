"""The agenda use cases of the core: suggestions from an analysis, and an agenda as Markdown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from service.agenda.angles import AngleWriter, TemplateWriter
from service.agenda.divergence import find_divergences
from service.agenda.goals import with_goal
from service.agenda.grounding import invite_segments, pick_quotes, surface_phrases
from service.agenda.groups import divergence_groups
from service.agenda.phrasing import mid_sentence, noun_topic, sanitize
from service.agenda.phrasing import title as _title
from service.agenda.requests import requesters
from service.agenda.schemas import (
    FORMATS,
    AgendaSuggestion,
    AngleBrief,
    ChoiceAnswer,
    ThemeView,
    UnitView,
)
from service.agenda.session_formats import choose_format, high_concern, is_sensitive
from service.agenda.suggest import (
    FOLLOW_UP,
    REGULAR,
    RISING_WORRY,
    W_REQUEST,
    ThemeFacts,
    by_theme,
    follow_up_sentence,
    format_facts,
    priority,
    score,
    theme_facts,
    why_sentence,
)
from service.privacy.thresholds import Confidentiality

MAX_SUGGESTIONS = 8
MAX_FOLLOW_UPS = 2
"""Themes past their peak offered as "follow up?" notes after the suggestions, at most."""
FIRST_RISING_WORRIES = 2
"""Rising worries that come first; the rest rank by score (a theme split in five parts would
otherwise fill the top five)."""
SENSITIVE_KEYWORDS = 3
"""Only the label and this many top key phrases decide whether a subject is sensitive."""
Segments = Mapping[int, Mapping[str, str | None]]


def _draft(
    facts: ThemeFacts,
    units: Sequence[UnitView],
    *,
    writer: AngleWriter,
    privacy: Confidentiality,
    answered: set[int],
    segments: Segments,
    seed: int,
    rank: int,
) -> AgendaSuggestion:
    theme = facts.theme
    topic, noun_phrase = noun_topic(theme.label)
    sensitive = is_sensitive(theme.label, theme.keywords[:SENSITIVE_KEYWORDS])
    chosen = format_facts(facts, privacy, sensitive)
    fmt, reason = choose_format(chosen)
    worry = high_concern(chosen) or bool(sensitive)
    why = why_sentence(facts, privacy)
    if facts.peak is not None:
        fmt, reason = (
            "open_discussion",
            (
                "A short check-in at the start of the session: what happened, what was learned, "
                "and whether anything is still open."
            ),
        )
        why = follow_up_sentence(facts.peak, facts.members, facts.total)
    tone = "worry" if worry else "positive" if facts.solution_members >= 2 else "neutral"
    label_parts = [p for p in topic.split(" and ") if p.strip()] if noun_phrase else []
    brief = AngleBrief(
        topic=mid_sentence(topic),
        noun_phrase=noun_phrase,
        key_phrases=tuple(
            dict.fromkeys(
                [
                    *label_parts[1:],
                    *surface_phrases(
                        theme.keywords, [u.text for u in units] + [t for t, _ in theme.quotes]
                    ),
                ]
            )
        ),
        tone=tone,
        format=fmt,
        divergence=divergence_groups(facts.divergences[0]) if facts.divergences else None,
        requested=facts.requesters > 0,
    )
    angles, goal_why, goal = with_goal(theme.goals, writer.write(brief))
    shown = privacy.min_group
    return AgendaSuggestion(
        title=_title(topic),
        why=" ".join(filter(None, [why, goal_why])),
        angles=[a.text for a in angles],
        quotes=pick_quotes(theme, units, privacy, solution_first=fmt == "case_study", seed=seed),
        format=fmt,
        format_reason=reason,
        theme_ids=[theme.id],
        score=score(facts),
        segments=invite_segments(
            facts, units, answered=answered, segments=segments, privacy=privacy
        ),
        evidence={
            "members": facts.members,
            "total": facts.total,
            "units": theme.units,
            "size": theme.units,
            "trend": theme.trend,
            "momentum": facts.momentum,
            "priority": rank,
            **(
                {
                    "follow_up": {
                        "peak_week": facts.peak.week,
                        "peak": facts.peak.count,
                        "recent": facts.peak.recent,
                    }
                }
                if facts.peak is not None
                else {}
            ),
            "worried": facts.worried if facts.worried >= shown else None,
            "concern_known": facts.worried_share is not None,
            "requesters": facts.requesters if facts.requesters >= shown else None,
            "breadth": facts.breadth,
            "breadth_dimension": facts.breadth_dimension,
            "solutions": facts.solution_members if facts.solution_members >= shown else None,
            "sensitive": sensitive,
            "divergences": [d.as_dict() for d in facts.divergences],
            "angle_kinds": [a.kind for a in angles],
            "writer": angles[0].source if angles else "",
            **({"goal": goal} if goal else {}),
        },
    )


def _request_draft(
    label: str, members: int, *, total: int, writer: AngleWriter
) -> AgendaSuggestion:
    sensitive = is_sensitive(label)
    fmt = "fireside_chat" if sensitive else "open_discussion"
    reason = (
        f"The subject ({sensitive}) is sensitive: a fireside chat with Q&A lets members "
        "ask questions without sharing their own situation."
        if sensitive
        else "Members asked for it, but their free text says little about it yet: an open "
        "discussion lets them say what they want from it."
    )
    angles = writer.write(
        AngleBrief(topic=mid_sentence(label), tone="neutral", format=fmt, requested=True)
    )
    return AgendaSuggestion(
        title=_title(label),
        why=(
            f"{members} members ticked \u201c{sanitize(label)}\u201d as a topic they would like "
            "to discuss; no theme in the free-text answers covers it yet."
        ),
        angles=[a.text for a in angles],
        quotes=[],
        format=fmt,
        format_reason=reason,
        theme_ids=[],
        score=round(W_REQUEST * members / max(total, 1), 6),
        segments=[],
        evidence={
            "requesters": members,
            "total": total,
            "size": members,
            "trend": None,
            "priority": REGULAR,
            "requests": [sanitize(label)],
            "sensitive": sensitive,
            "angle_kinds": [a.kind for a in angles],
            "writer": angles[0].source if angles else "",
        },
    )


def suggest(
    themes: Sequence[ThemeView | Mapping[str, Any]],
    units: Sequence[UnitView | Mapping[str, Any]],
    *,
    privacy: Confidentiality,
    segments: Segments | None = None,
    answers: Sequence[ChoiceAnswer] = (),
    writer: AngleWriter | None = None,
    limit: int = MAX_SUGGESTIONS,
    seed: int = 0,
) -> list[AgendaSuggestion]:
    """Ranked suggestions, best first, for one analysis (see :mod:`service.agenda.suggest`):
    the :data:`FIRST_RISING_WORRIES` strongest rising worries first, then by score, then at
    most :data:`MAX_FOLLOW_UPS` themes past their peak as "follow up?" notes.

    Args:
        themes: The active themes with their figures, worry and goals.
        units: The redacted units, with ``theme_id`` and, when known, concern level and sentiment.
        privacy: The confidentiality rules.
        segments: Each respondent's groups (``role``, ``level``, ``experience``, ``function``).
        answers: Answers to choice questions (only topic-request questions are used).
        writer: The angle writer (the offline template writer by default).
        limit: How many suggestions at most; angles are written for these only.
        seed: Seed for quote order and template choice.
    """
    theme_views = [t if isinstance(t, ThemeView) else ThemeView.from_dict(t) for t in themes]
    unit_views = [u if isinstance(u, UnitView) else UnitView.from_dict(u) for u in units]
    segments = segments or {}
    writer = writer or TemplateWriter(seed=seed)
    grouped = by_theme(unit_views)
    answered = {u.respondent_id for u in unit_views}
    total = len(answered) or max((t.respondents or 0 for t in theme_views), default=1)
    totals = Counter(u.week for u in unit_views)
    wanted, unmatched = requesters(theme_views, unit_views, answers)
    divergences = find_divergences(unit_views, segments, min_group=privacy.min_group)
    ranked: list[tuple[int, float, str, Any]] = []
    for theme in theme_views:
        if theme.suppressed or (theme.respondents or 0) < privacy.min_group:
            continue
        facts = theme_facts(
            theme,
            grouped.get(theme.id, []),
            total=total,
            segments=segments,
            requesters=len(wanted.get(theme.id, ())),
            divergences=[d for d in divergences if d.theme_id == theme.id],
            totals=totals,
        )
        worried = high_concern(format_facts(facts, privacy, None))
        ranked.append((priority(facts, worried=worried), score(facts), theme.label, facts))
    for label, members in unmatched.items():
        if len(members) >= privacy.min_group:
            ranked.append((REGULAR, W_REQUEST * len(members) / total, label, len(members)))
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2]))
    first = [i for i, r in enumerate(ranked) if r[0] == RISING_WORRY][:FIRST_RISING_WORRIES]
    ranked = [
        (REGULAR, *r[1:]) if r[0] == RISING_WORRY and i not in first else r
        for i, r in enumerate(ranked)
    ]
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2]))
    chosen = [r for r in ranked if r[0] != FOLLOW_UP][:limit]
    chosen += [r for r in ranked if r[0] == FOLLOW_UP][: min(MAX_FOLLOW_UPS, limit)]
    drafts = []
    for rank, _, label, item in chosen:
        if isinstance(item, ThemeFacts):
            drafts.append(
                _draft(
                    item,
                    grouped.get(item.theme.id, []),
                    writer=writer,
                    privacy=privacy,
                    answered=answered,
                    segments=segments,
                    seed=seed,
                    rank=rank,
                )
            )
        else:
            drafts.append(_request_draft(label, item, total=total, writer=writer))
    return drafts


# --- the agenda of a session, as Markdown ----------------------------------------------------

_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#~"})


def escape_markdown(text: str) -> str:
    """Text that renders literally in Markdown (no emphasis, links, HTML or headings)."""
    return " ".join(str(text).split()).translate(_MARKDOWN_SPECIAL)


def agenda_markdown(community: str, session_date: date, items: Sequence[Mapping[str, Any]]) -> str:
    """A session's agenda: each accepted suggestion with its format, reasons, angles and quotes."""
    day = f"{session_date:%A} {session_date.day} {session_date:%B %Y}"
    lines = [f"# Agenda: {escape_markdown(community)}, {day}", ""]
    if not items:
        return "\n".join([*lines, "No suggestions are accepted for this session yet.", ""])
    for number, item in enumerate(items, start=1):
        fmt = escape_markdown(FORMATS.get(str(item.get("format")), str(item.get("format"))))
        reason = escape_markdown(item.get("format_reason", ""))
        lines += [
            f"## {number}. {escape_markdown(item['title'])}",
            "",
            f"**Format:** {fmt}. {reason}",
            "",
            f"**Why now:** {escape_markdown(item.get('why', ''))}",
            "",
        ]
        if item.get("angles"):
            lines += ["**Discussion angles**", ""]
            lines += [f"- {escape_markdown(a)}" for a in item["angles"]] + [""]
        if item.get("quotes"):
            lines += ["**In members' words**", ""]
            for quote in item["quotes"]:
                week = f" ({escape_markdown(quote['week'])})" if quote.get("week") else ""
                lines += [f"> \u201c{escape_markdown(quote['text'])}\u201d{week}", ""]
        if item.get("segments"):
            invited = "; ".join(
                f"{escape_markdown(s['group'])} ({escape_markdown(s['reason'])})"
                for s in item["segments"]
            )
            lines += [f"**Perspectives to invite:** {invited}", ""]
    return "\n".join(lines)
