"""A rerun replaces a theme's figures in place: same weeks, same worry, no duplicate keys."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from service.storage import db
from service.storage.repositories import communities
from service.storage.repositories import themes as theme_rows
from service.storage.tables import ThemeQuote, ThemeWeek
from tests.factories import theme_row


def _figures(session: Session, theme_id: int, counts: tuple[int, int]) -> None:
    theme_rows.store_figures(
        session,
        theme_id,
        units=sum(counts),
        respondents=sum(counts),
        share=0.5,
        trend="steady",
        suppressed=False,
        weekly=[("2026-W37", counts[0]), ("2026-W38", counts[1])],
        quotes=[("The rota again.", "2026-W37"), ("Budgets.", "2026-W38")],
    )


def test_storing_figures_twice_replaces_the_weeks_of_the_first_run(engine: Engine) -> None:
    """Regression: the second analysis of a community failed with "UNIQUE constraint failed:
    theme_weeks.theme_id, theme_weeks.week" (a flush inserted the new weeks before deleting)."""
    with db.transaction(engine, write=True) as session:
        community = communities.get_or_create(session, "circle")
        theme = theme_row(community.id, "rota")
        session.add(theme)
        session.flush()
        theme_id = theme.id
    with db.transaction(engine, write=True) as session:
        _figures(session, theme_id, (6, 2))
    with db.transaction(engine, write=True) as session:
        _figures(session, theme_id, (7, 3))
    with db.transaction(engine) as session:
        weeks = session.execute(
            select(ThemeWeek.week, ThemeWeek.count)
            .where(ThemeWeek.theme_id == theme_id)
            .order_by(ThemeWeek.week)
        ).all()
        quotes = session.scalar(
            select(func.count()).select_from(ThemeQuote).where(ThemeQuote.theme_id == theme_id)
        )
    assert [tuple(row) for row in weeks] == [("2026-W37", 7), ("2026-W38", 3)]
    assert quotes == 2
