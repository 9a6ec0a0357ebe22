"""Alembic migrations create the schema the tables describe, on both databases."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, update

from service.privacy.redactor import Redactor
from service.storage import db
from service.storage.tables import Base, Unit
from tests.factories import answered, theme_row


def test_upgrade_creates_every_table(any_engine: Engine) -> None:
    tables = set(inspect(any_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_is_idempotent(any_engine: Engine) -> None:
    db.upgrade(any_engine)
    with any_engine.connect() as connection:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    head = ScriptDirectory.from_config(db.alembic_config(str(any_engine.url))).get_current_head()
    assert version == head


def test_models_match_migrations(any_engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with any_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def _counts(engine: Engine) -> dict[str, int]:
    tables = ["responses", "submissions", "units", "themes", "theme_weeks", "theme_quotes"]
    with engine.connect() as connection:
        counts = {
            t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one() for t in tables
        }
        counts["themed units"] = connection.exec_driver_sql(
            "SELECT count(*) FROM units WHERE theme_id IS NOT NULL"
        ).scalar_one()
    return counts


def test_migrating_down_and_up_keeps_every_row(engine: Engine, redactor: Redactor) -> None:
    """Regression: on SQLite, 0009 rebuilt ``themes`` (and its downgrade ``responses``) with
    foreign keys on, and the drop of the old table cascaded: theme weeks and quotes, units'
    themes, and on the way down every answer, were gone."""
    community_id = answered(engine, redactor, ["The expense tool lost my receipts again."] * 3)
    with db.transaction(engine, write=True) as session:
        theme = theme_row(
            community_id,
            "Expenses",
            summary={"weekly": [{"week": "2026-W37", "count": 3}], "quotes": [{"text": "Lost."}]},
        )
        session.add(theme)
        session.flush()
        session.execute(update(Unit).values(theme_id=theme.id))
    before = _counts(engine)
    assert before["responses"] == 3 and before["theme_weeks"] == 1 and before["themed units"] == 3
    db.downgrade(engine, "0008")
    assert _counts(engine) == before
    db.upgrade(engine)
    assert _counts(engine) == before
