"""Writers on SQLite queue for the lock instead of failing; transient failures are retried."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from service.config import PoolSettings, Settings
from service.storage import db
from service.storage.repositories import communities
from service.storage.tables import Community, Goal

WRITERS = 12


def _count(engine: Engine, model: type) -> int:
    with db.transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_request_sessions_that_read_then_write_at_once_all_succeed(engine: Engine) -> None:
    """Regression: a request transaction read (deferred BEGIN), then wrote; under WAL every one
    but the first writer failed at once with "database is locked" (5 of 10 votes)."""
    with db.transaction(engine, write=True) as session:
        communities.get_or_create(session, "circle")
    everyone_has_read = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def add_goal(number: int) -> None:
        try:
            with db.transaction(engine) as session:
                community = communities.get(session, "circle")
                everyone_has_read.wait(timeout=10)
                session.add(Goal(community_id=community.id, text=f"Goal {number}", owner="staff"))
                session.flush()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=add_goal, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _count(engine, Goal) == WRITERS


def test_request_session_holds_no_write_lock_after_its_flush(engine: Engine) -> None:
    """A flushed request session has committed: another writer gets the lock at once."""
    with db.transaction(engine) as session:
        session.add(Community(slug="circle", name="Circle"))
        session.flush()
        other = sqlite3.connect(engine.url.database, timeout=0)
        other.execute("BEGIN IMMEDIATE")  # would raise "database is locked" if still held
        other.rollback()
        other.close()
    assert _count(engine, Community) == 1


def test_write_transaction_is_all_or_nothing(engine: Engine) -> None:
    def two_flushes_then_fail() -> None:
        with db.transaction(engine, write=True) as session:
            session.add(Community(slug="circle", name="Circle"))
            session.flush()
            session.add(Community(slug="other", name="Other"))
            session.flush()
            raise RuntimeError("after two flushes")

    with pytest.raises(RuntimeError):
        two_flushes_then_fail()
    assert _count(engine, Community) == 0


def test_write_is_retried_while_the_database_is_locked(settings: Settings) -> None:
    engine = db.make_engine(settings.database_url, PoolSettings(sqlite_busy_seconds=0.05))
    db.upgrade(engine)
    holder = sqlite3.connect(engine.url.database, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(0.4, holder.rollback).start()
    attempts: list[int] = []

    def work(session: Session) -> int:
        attempts.append(1)
        session.add(Community(slug="circle", name="Circle"))
        session.flush()
        return 1

    started = time.monotonic()
    assert db.write_with_retries(engine, work, attempts=12) == 1
    assert len(attempts) > 1, "the lock was never met"
    assert time.monotonic() - started >= 0.3
    assert _count(engine, Community) == 1
    holder.close()
    engine.dispose()


def test_retries_are_bounded(settings: Settings) -> None:
    engine = db.make_engine(settings.database_url, PoolSettings(sqlite_busy_seconds=0.01))
    db.upgrade(engine)
    holder = sqlite3.connect(engine.url.database)
    holder.execute("BEGIN IMMEDIATE")
    attempts: list[int] = []

    def work(session: Session) -> None:
        attempts.append(1)
        session.add(Community(slug="circle", name="Circle"))

    with pytest.raises(OperationalError, match="database is locked"):
        db.write_with_retries(engine, work, attempts=3)
    assert len(attempts) == 3
    holder.rollback()
    holder.close()
    engine.dispose()


def test_pool_is_sized_by_the_settings(tmp_path: Path) -> None:
    pool = PoolSettings(size=7, max_overflow=3, timeout_seconds=2)
    engine = db.make_engine(f"sqlite:///{tmp_path / 'p.db'}", pool)
    assert (engine.pool.size(), engine.pool._max_overflow, engine.pool._timeout) == (7, 3, 2)
    assert Settings(environment="test").database_pool.size >= 20
