"""Alembic migrations create the schema the tables describe, on both databases."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from service.storage import db
from service.storage.tables import Base


def test_upgrade_creates_every_table(any_engine: Engine) -> None:
    tables = set(inspect(any_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_is_idempotent(any_engine: Engine) -> None:
    db.upgrade(any_engine)
    with any_engine.connect() as connection:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert version is not None and version.startswith("000")


def test_models_match_migrations(any_engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with any_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
