"""Alembic migrations create the schema the tables describe, on both databases."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, select

from service.config import Settings
from service.intake import run_import
from service.privacy.redactor import Redactor
from service.storage import db
from service.storage.repositories import communities
from service.storage.tables import Answer, Base, Unit
from tests.factories import theme_row


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
    settings = Settings(environment="test", database_url=str(engine.url))
    export = "Timestamp,Email Address,What's top of mind?\r\n" + "".join(
        f"9/{7 + i}/2026 10:00:00,m{i}@example.org,The expense tool lost my receipts again.\r\n"
        for i in range(3)
    )
    run_import(
        engine,
        settings,
        slug="circle",
        data=export.encode(),
        filename="google_forms.csv",
        format_name="auto",
        mapping=None,
        create_community=True,
        redactor=redactor,
    )
    with db.transaction(engine, write=True) as session:
        community = communities.get(session, "circle")
        theme = theme_row(
            community.id,
            "Expenses",
            summary={"weekly": [{"week": "2026-W37", "count": 3}], "quotes": [{"text": "Lost."}]},
        )
        session.add(theme)
        session.flush()
        answers = list(session.scalars(select(Answer)))
        session.add_all(
            Unit(
                community_id=community.id,
                response_id=a.id,
                respondent_id=a.respondent_id,
                position=0,
                text=a.text or "",
                text_hash=str(a.id),
                week="2026-W37",
                theme_id=theme.id,
            )
            for a in answers
        )
    before = _counts(engine)
    assert before["responses"] == 3 and before["theme_weeks"] == 1 and before["themed units"] == 3
    db.downgrade(engine, "0008")
    assert _counts(engine) == before
    db.upgrade(engine)
    assert _counts(engine) == before
