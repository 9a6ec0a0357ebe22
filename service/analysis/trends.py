"""Stage: each theme's figures (units, members, share), weekly series, trend and quotes.

The trend is the quasi-Poisson slope test of :mod:`service.agenda.timing`, run on all themes of
the analysis together (their dispersion pooled), with each week's answer units as exposure.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from sqlalchemy.orm import Session

from service.agenda.timing import classify
from service.analysis.context import Analysis, Context, Embedded, Progress, ThemeFigures
from service.privacy.thresholds import NARROWING, Confidentiality
from service.storage import db
from service.storage.repositories import themes as theme_rows
from service.themes.quotes import representative_quotes
from service.themes.schemas import UNASSIGNED, ThemeResult
from service.themes.summaries import summarise
from service.themes.trends import weekly_counts


def theme_summary(
    embedded: Embedded, members: np.ndarray, centroid: np.ndarray
) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Two or three of the theme's sentences citing the answers they stand for; a sentence that
    narrows to a tiny group ("as the only EA in Legal") is left out, as it is from quotes."""
    units = embedded.units
    cited = summarise(
        [units[i].text for i in members],
        [units[i].response_id for i in members],
        embedded.vectors[members],
        centroid,
    )
    return tuple((c.text, c.answer_ids) for c in cited if not NARROWING.search(c.text))


def theme_figures(
    embedded: Embedded, result: ThemeResult, privacy: Confidentiality, *, seed: int
) -> list[ThemeFigures]:
    """Per theme of this run: counts, members, share, weekly series, trend and quotes.

    A theme raised by fewer members than the minimum group is ``suppressed``: no member count,
    no weekly counts, no quotes.
    """
    units, vectors = embedded.units, embedded.vectors
    totals = Counter(u.week for u in units)
    pairs = [(int(a), units[i].week) for i, a in enumerate(result.assignments) if a != UNASSIGNED]
    series = weekly_counts(pairs, totals)
    tested = classify([([w.count for w in s], [w.total for w in s]) for s in series.values()])
    trends = dict(zip(series, tested, strict=True))
    figures = []
    for theme in result.themes:
        members = result.members(theme.index)
        respondents = {units[i].respondent_id for i in members}
        visible = len(respondents) >= privacy.min_group
        picked = (
            representative_quotes(
                [units[i].id for i in members],
                [units[i].text for i in members],
                vectors[members],
                centroid=theme.centroid,
                k=6,
            )
            if visible
            else []
        )
        weeks = {units[i].id: units[i].week for i in members}
        quotes = privacy.quotes([(q.text, None) for q in picked], seed=seed)[:3]
        week_of = {q.text: weeks[q.unit_id] for q in picked}
        figures.append(
            ThemeFigures(
                index=theme.index,
                label=theme.label,
                keywords=tuple(theme.keywords),
                units=int(theme.size),
                respondents=len(respondents) if visible else None,
                respondent_ids=tuple(sorted(respondents)),
                share=round(theme.size / max(1, len(units)), 4),
                trend=trends[theme.index].trend if theme.index in trends else "steady",
                weekly=tuple(
                    (w.week, w.count if visible else None) for w in series.get(theme.index, [])
                ),
                quotes=tuple((q.text, week_of.get(q.text, q.week)) for q in quotes),
                suppressed=not visible,
                summary=theme_summary(embedded, members, theme.centroid) if visible else (),
            )
        )
    return figures


def store_all(session: Session, ids: dict[int, int], figures: list[ThemeFigures]) -> None:
    """Store each theme's figures of this run on its stored theme (``ids``: theme id by index)."""
    for found in figures:
        theme_rows.store_figures(
            session,
            ids[found.index],
            units=found.units,
            respondents=found.respondents,
            share=found.share,
            trend=found.trend,
            suppressed=found.suppressed,
            weekly=found.weekly,
            quotes=found.quotes,
            summary=found.summary,
        )


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.figures`` and stores them on the stored themes."""
    analysis.figures = theme_figures(
        analysis.need_embedded(),
        analysis.need_fit(),
        context.privacy,
        seed=context.settings.theme_seed,
    )
    ids = {stored.index: stored.id for stored in analysis.stored}
    with db.transaction(context.engine, write=True) as session:
        store_all(session, ids, analysis.figures)
