"""Queries about themes: the current list, one theme, and its segment heat map."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import NotFound
from service.ingest.schemas import SEGMENT_NAMES
from service.privacy.thresholds import Confidentiality
from service.storage.repositories.segments import respondent_segments
from service.storage.tables import Community, Respondent, Theme, Unit


def current(session: Session, community: Community) -> list[Theme]:
    """Active themes, largest first; themes of small groups last, by label (their order would
    otherwise tell their size)."""
    themes = list(
        session.scalars(
            select(Theme).where(Theme.community_id == community.id, Theme.status == "active")
        )
    )

    def order(theme: Theme) -> tuple[bool, int, str]:
        summary = theme.summary or {}
        hidden = bool(summary.get("suppressed"))
        return hidden, 0 if hidden else -summary.get("units", 0), theme.name or theme.label

    return sorted(themes, key=order)


def unidentified_themes(session: Session, community: Community) -> set[int]:
    """Themes some of whose units come from responses without a respondent identifier."""
    return set(
        session.scalars(
            select(Unit.theme_id)
            .join(Respondent, Respondent.id == Unit.respondent_id)
            .where(
                Unit.community_id == community.id,
                Unit.theme_id.is_not(None),
                Respondent.identified.is_(False),
            )
            .distinct()
        )
    )


def concerns(session: Session, community: Community) -> list[dict[str, Any]]:
    """The themes that carry worry, best first ("what keeps them up at night")."""
    ranked = [
        {"theme_id": theme.id, **theme.summary["concern"], "label": theme.name or theme.label}
        for theme in current(session, community)
        if (theme.summary or {}).get("concern")
    ]
    return sorted(ranked, key=lambda c: c.get("rank") or 10**6)


def get(session: Session, community: Community, theme_id: int) -> Theme:
    """One theme of the community (active or not)."""
    theme = session.get(Theme, theme_id)
    if theme is None or theme.community_id != community.id:
        raise NotFound(f"No theme {theme_id}")
    return theme


def as_dict(theme: Theme, *, counted_as: str = "members") -> dict[str, Any]:
    """The API shape of a theme (the same keys as ``analyze --json``, plus lineage and concern).

    A theme raised by fewer than the minimum group (``suppressed``) shows no figure: its units,
    share, trend and weekly counts are None, like its member count. ``counted_as`` is
    ``responses`` when some of its units come from responses without a respondent identifier.
    """
    summary = theme.summary or {}
    hidden = bool(summary.get("suppressed", False))
    return {
        "id": theme.id,
        "label": theme.name or theme.label,
        "generated_label": theme.label,
        "keywords": theme.keywords,
        "units": None if hidden else summary.get("units", 0),
        "respondents": None if hidden else summary.get("respondents"),
        "counted_as": counted_as,
        "share": None if hidden else summary.get("share", 0.0),
        "trend": None if hidden else summary.get("trend", "steady"),
        "weekly": [
            {**w, "count": None} if hidden else w
            for w in summary.get("weekly", [])
            if isinstance(w, dict)
        ],
        "quotes": [] if hidden else summary.get("quotes", []),
        "concern": summary.get("concern"),
        "concern_share": (summary.get("concern") or {}).get("concern_share", 0.0),
        "sentiment": (summary.get("concern") or {}).get("sentiment"),
        "status": theme.status,
        "lineage": theme.lineage or [],
        "suppressed": hidden,
    }


def listed(
    session: Session, community: Community, limit: int | None = None
) -> list[dict[str, Any]]:
    """The current themes as :func:`as_dict` shows them, each counted as members or responses."""
    unidentified = unidentified_themes(session, community)
    return [
        as_dict(t, counted_as="responses" if t.id in unidentified else "members")
        for t in current(session, community)[:limit]
    ]


def shown(session: Session, community: Community, theme: Theme) -> dict[str, Any]:
    """One theme as :func:`as_dict` shows it, counted as members or responses."""
    unidentified = theme.id in unidentified_themes(session, community)
    return as_dict(theme, counted_as="responses" if unidentified else "members")


def heatmap(
    session: Session, community: Community, theme: Theme, privacy: Confidentiality
) -> dict[str, list[dict[str, Any]]]:
    """Per segment dimension and group: the share of the group's members who raised the theme.

    A cell is shown only when the group, the members who raised the theme and those who did not
    are each at least the minimum group size; otherwise it says so.
    """
    members = respondent_segments(session, community.id)
    raised = set(session.scalars(select(Unit.respondent_id).where(Unit.theme_id == theme.id)))
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
