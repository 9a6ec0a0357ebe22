"""Engine and session factory; migrations run through Alembic."""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from service.config import PoolSettings

log = logging.getLogger(__name__)
_T = TypeVar("_T")

_MIGRATIONS = Path(__file__).parent / "migrations"
# Statements that never write (BEGIN itself is emitted by the events below).
_TRANSIENT_PGCODES = {"40001", "40P01"}  # serialization failure, deadlock
_READ_ONLY = re.compile(r"\s*(SELECT|PRAGMA|EXPLAIN|BEGIN)\b", re.IGNORECASE)


def make_engine(url: str, pool: PoolSettings | None = None) -> Engine:
    """Create an engine sized by ``pool``; SQLite gets foreign keys, WAL and a busy timeout."""
    pool = pool or PoolSettings()
    sizes = {
        "pool_size": pool.size,
        "max_overflow": pool.max_overflow,
        "pool_timeout": pool.timeout_seconds,
    }
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        in_memory = not path or path == ":memory:"
        if not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": pool.sqlite_busy_seconds, "check_same_thread": False},
            **({} if in_memory else sizes),
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "before_cursor_execute", _sqlite_lock_before_write)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, **sizes)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DBAPI objects
    # Let SQLAlchemy's events decide when a transaction begins (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection) -> None:  # noqa: ANN001 - SQLAlchemy connection
    # Under WAL a transaction that read and then writes fails at once ("database is locked",
    # no busy wait) when another writer committed in between. So no transaction reads first and
    # writes later: ``write=True`` takes the write lock at its start with BEGIN IMMEDIATE (waiting
    # up to the busy timeout); any other transaction reads in autocommit, each statement seeing
    # the newest commit as on PostgreSQL, and takes the lock just before its first write.
    if connection.get_execution_options().get("write", False):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_lock_before_write(
    _connection,  # noqa: ANN001 - SQLAlchemy connection
    cursor,  # noqa: ANN001 - DBAPI cursor
    statement: str,
    *_args: object,
) -> None:
    dbapi_connection = cursor.connection
    if not dbapi_connection.in_transaction and not _READ_ONLY.match(statement):
        dbapi_connection.execute("BEGIN IMMEDIATE")


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the packaged migrations and ``url``."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to the newest migration (creates an empty one from scratch)."""
    _migrate(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database back to ``revision`` (each migration's downgrade)."""
    _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    """Run migrations in one transaction. On SQLite, foreign keys are off while they run: Alembic
    alters a SQLite table by copying it and dropping the old one, and with foreign keys on that
    drop would cascade into every table that refers to it (theme figures, answers). They are
    switched off outside the transaction (inside one SQLite ignores it), checked after, and on
    again before the connection goes back to the pool."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as outer:
        raw = outer.connection.dbapi_connection if engine.dialect.name == "sqlite" else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            outer.execution_options(write=True)  # BEGIN IMMEDIATE (see _sqlite_begin)
            with outer.begin():
                config.attributes["connection"] = outer
                step(config, revision)
            if raw is not None and raw.execute("PRAGMA foreign_key_check").fetchall():
                raise RuntimeError("a migration left rows that refer to missing rows")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


@lru_cache(maxsize=8)
def engine_for(url: str, pool: PoolSettings | None = None) -> Engine:
    """One engine per URL (and pool size) per process."""
    return make_engine(url, pool)


class _ShortWriteSession(Session):
    """A SQLite session whose every flush commits at once (see :func:`transaction`)."""


@event.listens_for(_ShortWriteSession, "after_flush_postexec")
def _commit_flush(session: Session, _flush_context: object) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT ends with its outer transaction
        return
    dbapi_connection = session.connection().connection.dbapi_connection
    if dbapi_connection is not None and dbapi_connection.in_transaction:
        dbapi_connection.commit()


@contextmanager
def transaction(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """A session committed on success and rolled back on any error.

    ``write=True`` marks one all-or-nothing unit of work (an import, an analysis stage): on SQLite
    it takes the write lock at its start, so concurrent writers queue instead of failing, and
    holds it to the end; keep such a transaction short (parse and compute before it).

    Any other session (the one of a request) reads without a lock. On PostgreSQL it is one
    transaction as usual. On SQLite each flush is its own short write transaction: it takes the
    lock just before its first statement and commits when the flush ends. The lock is therefore
    never held while a request waits for anything else (a worker thread to render its answer, say)
    and writers queue for milliseconds, not for the length of a request; a request that fails
    after a flush keeps that flush, so a route that must be all-or-nothing across several
    flushes opens ``transaction(engine, write=True)`` itself.
    """
    bind = engine.execution_options(write=True) if write else engine
    short = not write and engine.dialect.name == "sqlite"
    factory = sessionmaker(
        bind=bind, expire_on_commit=False, class_=_ShortWriteSession if short else Session
    )
    with factory() as session, session.begin():
        yield session


def transient(exc: Exception, *, collisions: bool = False) -> bool:
    """True for failures that running the same unit of work again can cure.

    SQLite's "database is locked" (the busy timeout ran out), PostgreSQL's serialization failures
    and deadlocks; with ``collisions`` also a unique key that a concurrent writer took first.
    """
    if collisions and isinstance(exc, IntegrityError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if "database is locked" in str(exc.orig) or "database is busy" in str(exc.orig):
        return True
    return getattr(exc.orig, "sqlstate", None) in _TRANSIENT_PGCODES


def write_with_retries(
    engine: Engine,
    work: Callable[[Session], _T],
    *,
    attempts: int = 5,
    collisions: bool = False,
) -> _T:
    """Run ``work(session)`` in one write transaction, again (at most ``attempts`` times in all)
    when it failed for a :func:`transient` reason; nothing of a failed attempt is kept."""
    for attempt in range(1, attempts):
        try:
            with transaction(engine, write=True) as session:
                return work(session)
        except DBAPIError as exc:
            if not transient(exc, collisions=collisions):
                raise
            log.info("write attempt %d of %d failed, retrying: %s", attempt, attempts, exc.orig)
            time.sleep(random.uniform(0, min(1.0, 0.05 * 2**attempt)))  # noqa: S311 - jitter
    with transaction(engine, write=True) as session:
        return work(session)
