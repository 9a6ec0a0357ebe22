"""Queries about themes: the current list, one theme, and its segment heat map."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from service.errors import NotFound
from service.ingest.schemas import SEGMENT_NAMES
from service.privacy.thresholds import Confidentiality
from service.storage.repositories.segments import respondent_segments
from service.storage.tables import (
    Answer,
    AnswerTheme,
    Community,
    Question,
    Respondent,
    Theme,
    ThemeQuote,
    ThemeSummarySentence,
    ThemeWeek,
    ThemeWorry,
    Unit,
)
from service.themes.naming import display_name, renamed_in


def active(
    session: Session, community_id: int, *, question_id: int | None = None, level: str = "fine"
) -> list[Theme]:
    """The active themes of a scope and level, by id: the community-wide fine themes (what the
    weekly view, worry, agenda, goals and digest read), or with ``question_id`` that question's
    own; ``level="parent"``: the parents gathering the fine themes."""
    scope = Theme.question_id.is_(None) if question_id is None else Theme.question_id == question_id
    return list(
        session.scalars(
            select(Theme)
            .where(
                Theme.community_id == community_id,
                Theme.status == "active",
                Theme.level == level,
                scope,
            )
            .order_by(Theme.id)
        )
    )


def question_scopes(session: Session, community_id: int) -> set[int]:
    """The questions that have active themes of their own."""
    return set(
        session.scalars(
            select(Theme.question_id).where(
                Theme.community_id == community_id,
                Theme.status == "active",
                Theme.question_id.is_not(None),
            )
        )
    )


def question_texts(session: Session, community: Community) -> dict[int, str]:
    """The questions with themes of their own: their text by id, in id order."""
    ids = sorted(question_scopes(session, community.id))
    rows = session.execute(select(Question.id, Question.text).where(Question.id.in_(ids)))
    texts: dict[int, str] = dict(rows.tuples().all())
    return {i: texts[i] for i in ids if i in texts}


def current(
    session: Session, community: Community, *, question_id: int | None = None, level: str = "fine"
) -> list[Theme]:
    """Active themes, largest first; themes of small groups last, by label (their order would
    otherwise tell their size). With ``question_id``, only that question's themes."""

    def order(theme: Theme) -> tuple[bool, int, str]:
        hidden = theme.suppressed
        return hidden, 0 if hidden else -theme.unit_count, display_name(theme)

    return sorted(active(session, community.id, question_id=question_id, level=level), key=order)


def store_figures(
    session: Session,
    theme_id: int,
    *,
    units: int,
    respondents: int | None,
    share: float,
    trend: str,
    suppressed: bool,
    weekly: Sequence[tuple[str, int | None]],
    quotes: Sequence[tuple[str, str | None]],
    summary: Sequence[tuple[str, Sequence[int]]] = (),
) -> None:
    """Replace a theme's figures, weekly counts, quotes and summary with a run's."""
    theme = session.get_one(Theme, theme_id)
    theme.unit_count, theme.member_count, theme.share = units, respondents, share
    theme.trend, theme.suppressed = trend, suppressed
    # The old rows go first: a flush inserts before it deletes, and a week keeps its key.
    theme.weeks.clear()
    theme.quotes.clear()
    theme.summary_sentences.clear()
    session.flush()
    theme.weeks = [ThemeWeek(week=week, count=count) for week, count in weekly]
    theme.quotes = [
        ThemeQuote(position=i, text=text, week=week) for i, (text, week) in enumerate(quotes)
    ]
    theme.summary_sentences = [
        ThemeSummarySentence(position=i, text=text, answer_ids=[int(a) for a in answer_ids])
        for i, (text, answer_ids) in enumerate(summary)
    ]
    session.flush()


def store_answer_themes(
    session: Session, community_id: int, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Replace the community's answer codes (``answer_id``, ``theme_id``, ``score``,
    ``evidence_unit_id``) with a run's."""
    session.execute(delete(AnswerTheme).where(AnswerTheme.community_id == community_id))
    if rows:
        session.execute(insert(AnswerTheme), [{"community_id": community_id, **r} for r in rows])


def add_answer_themes(
    session: Session, community_id: int, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Add answer codes to a scope's themes (after :func:`store_answer_themes` replaced the
    community's for this run)."""
    if rows:
        session.execute(insert(AnswerTheme), [{"community_id": community_id, **r} for r in rows])


def worry_entry(worry: ThemeWorry) -> dict[str, Any]:
    """A theme's worry as shown anywhere (the ``concerns`` entries of ``analyze --json``)."""
    return {
        "label": worry.label,
        "rank": worry.rank,
        "score": worry.score,
        "concerned_respondents": worry.concerned_respondents,
        "severe_respondents": worry.severe_respondents,
        "intensity": worry.intensity,
        "trend": worry.trend,
        "concern_share": worry.concern_share,
        "sentiment": worry.sentiment,
        "reason": worry.reason,
        "suppressed": worry.suppressed,
    }


def theme_worry(theme: Theme) -> dict[str, Any] | None:
    """The theme's worry under its name today: the reason an analysis wrote quotes the name the
    theme had then (:func:`~service.themes.naming.renamed_in`)."""
    if theme.worry is None:
        return None
    entry = worry_entry(theme.worry)
    name = display_name(theme)
    return {**entry, "label": name, "reason": renamed_in(entry["reason"], entry["label"], name)}


def display_names(session: Session, community_id: int) -> dict[int, str]:
    """Every theme of the community by id, named as :func:`display_name` names it."""
    rows = session.execute(
        select(Theme.id, Theme.name, Theme.label).where(Theme.community_id == community_id)
    )
    return {id_: (name or label or "").strip() for id_, name, label in rows}


def store_worries(
    session: Session, community_id: int, entries: Mapping[int, Mapping[str, Any]]
) -> None:
    """Replace the worry of the community's active themes (``entries`` by theme id)."""
    for theme in active(session, community_id):
        entry = entries.get(theme.id)
        theme.worry = ThemeWorry(**entry) if entry is not None else None
    session.flush()


def unidentified_themes(session: Session, community: Community) -> set[int]:
    """Themes some of whose units come from responses without a respondent identifier."""
    return unidentified_theme_ids(session, community.id)


def unidentified_theme_ids(session: Session, community_id: int) -> set[int]:
    """:func:`unidentified_themes` by the community's id (for the analysis stages)."""
    return set(
        session.scalars(
            select(Unit.theme_id)
            .join(Respondent, Respondent.id == Unit.respondent_id)
            .where(
                Unit.community_id == community_id,
                Unit.theme_id.is_not(None),
                Respondent.identified.is_(False),
            )
            .distinct()
        )
    )


def concerns(session: Session, community: Community) -> list[dict[str, Any]]:
    """The themes that carry worry, best first ("what keeps them up at night")."""
    ranked = [
        {"theme_id": theme.id, **worry}
        for theme in current(session, community)
        if (worry := theme_worry(theme)) is not None
    ]
    return sorted(ranked, key=lambda c: c.get("rank") or 10**6)


def get(session: Session, community: Community, theme_id: int) -> Theme:
    """One theme of the community (active or not)."""
    theme = session.get(Theme, theme_id)
    if theme is None or theme.community_id != community.id:
        raise NotFound(f"No theme {theme_id}")
    return theme


def weekly(theme: Theme) -> list[dict[str, Any]]:
    """The theme's weekly unit counts (None for a theme under the minimum group)."""
    return [{"week": w.week, "count": None if theme.suppressed else w.count} for w in theme.weeks]


def quotes(theme: Theme) -> list[dict[str, Any]]:
    """The theme's quotes, ``{"text", "week"}``, none for a theme under the minimum group."""
    return [] if theme.suppressed else [{"text": q.text, "week": q.week} for q in theme.quotes]


def goal_links(theme: Theme) -> list[dict[str, Any]]:
    """The goals the theme speaks to, as the goals stage found them."""
    return [
        {
            "id": link.goal_id,
            "text": link.text,
            "owner": link.owner,
            "gap": link.gap,
            "similarity": link.similarity,
            "shared": list(link.shared or ()),
            "barriers": list(link.barriers or ()),
            "progress": list(link.progress or ()),
        }
        for link in theme.goal_links
    ]


def goal_gap(theme: Theme) -> dict[str, Any] | None:
    """The theme as a gap no goal covers, or None."""
    gap = theme.goal_gap
    if gap is None:
        return None
    name = display_name(theme)
    return {
        "theme_id": theme.id,
        "label": name,
        "members": gap.members,
        "share_of_members": gap.share_of_members,
        "trend": gap.trend,
        "gap": "uncovered_theme",
        "reason": renamed_in(gap.reason, gap.label, name),
        "keywords": list(gap.keywords or ()),
        "quotes": list(gap.quotes or ()),
        "closest_goal": gap.closest_goal,
        "closest_similarity": gap.closest_similarity,
    }


def as_dict(theme: Theme, *, counted_as: str = "members") -> dict[str, Any]:
    """The API shape of a theme (the same keys as ``analyze --json``, plus lineage and concern).

    A theme raised by fewer than the minimum group (``suppressed``) shows no figure: its units,
    share, trend and weekly counts are None, like its member count. ``counted_as`` is
    ``responses`` when some of its units come from responses without a respondent identifier.
    """
    hidden = theme.suppressed
    worry = theme_worry(theme)
    return {
        "id": theme.id,
        "label": display_name(theme),
        "generated_label": theme.label,
        "keywords": theme.keywords,
        "units": None if hidden else theme.unit_count,
        "respondents": None if hidden else theme.member_count,
        "counted_as": counted_as,
        "share": None if hidden else theme.share,
        "trend": None if hidden else theme.trend,
        "weekly": weekly(theme),
        "quotes": quotes(theme),
        "concern": worry,
        "concern_share": worry["concern_share"] if worry else 0.0,
        "sentiment": (worry or {}).get("sentiment"),
        "status": theme.status,
        "lineage": theme.lineage or [],
        "suppressed": hidden,
        "question_id": theme.question_id,
        "question": theme.question.text if theme.question is not None else None,
        "parent_id": theme.parent_id,
        "level": theme.level,
        "summary": []
        if hidden
        else [
            {"text": s.text, "answer_ids": list(s.answer_ids or ())}
            for s in theme.summary_sentences
        ],
    }


def listed(
    session: Session,
    community: Community,
    limit: int | None = None,
    *,
    question_id: int | None = None,
    level: str = "fine",
) -> list[dict[str, Any]]:
    """The current themes as :func:`as_dict` shows them, each counted as members or responses
    (``question_id``: only that question's themes; ``level``: fine themes or their parents)."""
    unidentified = unidentified_themes(session, community)
    return [
        as_dict(t, counted_as="responses" if t.id in unidentified else "members")
        for t in current(session, community, question_id=question_id, level=level)[:limit]
    ]


def shown(session: Session, community: Community, theme: Theme) -> dict[str, Any]:
    """One theme as :func:`as_dict` shows it, counted as members or responses."""
    unidentified = theme.id in unidentified_themes(session, community)
    return as_dict(theme, counted_as="responses" if unidentified else "members")


def raised_by(session: Session, theme: Theme) -> set[int]:
    """The respondents who raised a theme: through their units' theme, or for a question's own
    theme, through the answers coded to it."""
    if theme.question_id is None:
        return set(session.scalars(select(Unit.respondent_id).where(Unit.theme_id == theme.id)))
    return set(
        session.scalars(
            select(Answer.respondent_id)
            .join(AnswerTheme, AnswerTheme.answer_id == Answer.id)
            .where(AnswerTheme.theme_id == theme.id)
        )
    )


def heatmap(
    session: Session, community: Community, theme: Theme, privacy: Confidentiality
) -> dict[str, list[dict[str, Any]]]:
    """Per segment dimension and group: the share of the group's members who raised the theme.

    A cell is shown only when the group, the members who raised the theme and those who did not
    are each at least the minimum group size; otherwise it says so.
    """
    members = respondent_segments(session, community.id)
    raised = raised_by(session, theme)
    grid: dict[str, list[dict[str, Any]]] = {}
    for name in SEGMENT_NAMES:
        sizes: Counter[str] = Counter()
        hits: Counter[str] = Counter()
        for member, groups in members.items():
            group = groups[name]
            if group:
                sizes[group] += 1
                hits[group] += member in raised
        cells = []
        for group, size in sorted(sizes.items()):
            small = min(size, hits[group], size - hits[group]) < privacy.min_group
            cells.append(
                {
                    "group": group,
                    "members": None if small else size,
                    "share": None if small else round(hits[group] / size, 3),
                    "suppressed": small,
                    "note": privacy.note() if small else None,
                }
            )
        if cells:
            grid[name] = cells
    return grid


def without_small_theme_figures(job: dict[str, Any]) -> dict[str, Any]:
    """A job as ``GET /api/v1/jobs/{id}`` shows it: the analysis result's themes of groups under
    the minimum (``respondents`` withheld) carry no units, share or trend either."""
    result = job.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("themes"), list):
        return job
    themes = [
        {**t, "units": None, "share": None, "trend": None}
        if isinstance(t, dict) and t.get("respondents") is None
        else t
        for t in result["themes"]
    ]
    return {**job, "result": {**result, "themes": themes}}
