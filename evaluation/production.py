"""The production path as a user runs it, for benchmarks: import files, analyse, read the themes.

:class:`ProductionPath` does what ``peerpulse ingest FILE --community SLUG`` and ``peerpulse
analyze --community SLUG`` do (the same functions: ``run_import`` with the redactor, an
``analysis`` job run by ``execute``) on a throwaway SQLite database, then reads from the tables
which themes each answer's units got. Nothing in the pipeline is replaced: the only shortcut is
that sentence embeddings computed by an earlier benchmark run are put in the database's own
embedding cache (the ``embeddings`` table the analysis fills and reads) before it starts,
so a rerun does not embed the same texts again.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

SLUG = "benchmark"


@dataclass
class AnswerThemes:
    """One stored free-text answer: its text as stored (redacted) and its units' themes."""

    text: str
    themes: list[int]  # the theme of each themed unit, in unit order (repeats kept)
    units: int  # all units, non-answers included
    pieces: list[tuple[int | None, str]] = field(default_factory=list)  # (theme, unit text)
    coded: list[int] = field(default_factory=list)  # its question's own themes it is coded to


@dataclass
class ProductionRun:
    """What one analysis produced."""

    answers: dict[tuple[str, int], dict[str, AnswerThemes]]  # (file, data row): {question: ..}
    labels: dict[int, str]  # theme id: label (a human-given name wins, as everywhere)
    seconds: float
    result: dict[str, Any] = field(default_factory=dict)  # the job result (`analyze --json`)


class ProductionPath:
    """Imports and analyses in throwaway SQLite databases under ``folder``."""

    def __init__(self, folder: Path, cache_folder: Path) -> None:
        """Build the settings and the model store once; the models load on first use."""
        from service.config import Settings
        from service.modelstore import ModelStore

        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.cache_folder = cache_folder
        self.models = ModelStore(Settings(broker_url=None))

    def _settings(self, path: Path, seed: int) -> Any:
        from service.config import Settings

        return Settings(database_url=f"sqlite:///{path}", theme_seed=seed, broker_url=None)

    def _engine(self, path: Path) -> Any:
        from service.storage import db

        engine = db.engine_for(f"sqlite:///{path}")
        db.upgrade(engine)
        return engine

    def ingest(self, name: str, files: list[tuple[str, bytes, str]]) -> Path:
        """Import ``(file name, bytes, format)`` into a new database; returns its path."""
        from service.intake import run_import

        path = self.folder / f"{name}-base.db"
        path.unlink(missing_ok=True)
        engine = self._engine(path)
        settings = self._settings(path, 42)
        for filename, data, format_name in files:
            summary = run_import(
                engine,
                settings,
                slug=SLUG,
                data=data,
                filename=filename,
                format_name=format_name,
                create_community=True,
                redactor=self.models.redactor,
            )
            print(f"  ingested {filename}: {summary['responses_added']} responses", flush=True)
        engine.dispose()
        return path

    def analyse(self, base: Path, seed: int) -> ProductionRun:
        """Copy ``base``, run the analysis job with ``PEERPULSE_THEME_SEED=seed``, read it."""
        import service.analysis.stages  # noqa: F401 - registers the analysis job kind
        from service.jobs import store
        from service.jobs.runner import execute
        from service.storage import db
        from service.storage.repositories import communities

        path = base.with_name(f"{base.stem.removesuffix('-base')}-seed{seed}.db")
        path.unlink(missing_ok=True)
        with sqlite3.connect(base) as source, sqlite3.connect(path) as target:
            source.backup(target)
        engine = self._engine(path)
        settings = self._settings(path, seed)
        self._preload_embeddings(path)
        with db.transaction(engine) as session:
            community_id = communities.get(session, SLUG).id
        job_id, _ = store.create(engine, community_id, "analysis")
        started = time.perf_counter()
        execute(engine, self.models, settings, job_id)
        seconds = time.perf_counter() - started
        job = store.get(engine, job_id)
        if job.status != "succeeded":
            raise SystemExit(f"the analysis failed on {path.name}: {job.error}")
        run = ProductionRun(*read_answers(engine, job_id), seconds, job.result or {})
        engine.dispose()
        self._save_embeddings(path)
        return run

    # ------------------------------------------------------------ embedding cache

    def _cache_path(self) -> Path:
        name = self.models.embedder.name
        digest = hashlib.sha256(name.encode()).hexdigest()[:12]
        return self.cache_folder / f"production-units-{digest}.npz"

    def _preload_embeddings(self, path: Path) -> None:
        cache = self._cache_path()
        if not cache.exists():
            return
        stored = np.load(cache)
        model = self.models.embedder.name
        rows = [
            (model, str(h), v.astype(np.float32).tobytes())
            for h, v in zip(stored["hashes"], stored["vectors"], strict=True)
        ]
        with sqlite3.connect(path) as connection:
            connection.executemany(
                f"INSERT OR IGNORE INTO {_embedding_table()} (model, text_hash, vector) "
                "VALUES (?, ?, ?)",
                rows,
            )

    def _save_embeddings(self, path: Path) -> None:
        model = self.models.embedder.name
        with sqlite3.connect(path) as connection:
            rows = connection.execute(
                f"SELECT text_hash, vector FROM {_embedding_table()} WHERE model = ?", (model,)
            ).fetchall()
        found = {h: np.frombuffer(v, dtype=np.float32) for h, v in rows}
        cache = self._cache_path()
        if cache.exists():
            stored = np.load(cache)
            for h, v in zip(stored["hashes"], stored["vectors"], strict=True):
                found.setdefault(str(h), v)
        if not found:
            return
        hashes = sorted(found)
        self.cache_folder.mkdir(parents=True, exist_ok=True)
        np.savez(cache, hashes=np.array(hashes), vectors=np.stack([found[h] for h in hashes]))


def _embedding_table() -> str:
    from service.storage.tables import EmbeddingCache

    return str(EmbeddingCache.__tablename__)


def read_answers(engine: Any, job_id: str) -> tuple[dict, dict[int, str]]:
    """Every stored free-text answer by (file, data row, question) with its units' themes.

    The data row of a response is the rank of its submission within its import: the importer
    stores a file's records in row order (checked by the caller against the file's texts).
    """
    from sqlalchemy import select

    from service.storage import db
    from service.storage.tables import (
        Answer,
        AnswerTheme,
        Import,
        Question,
        Submission,
        Theme,
        Unit,
    )

    with db.transaction(engine) as session:
        labels = {
            t.id: t.name or t.label
            for t in session.scalars(select(Theme).where(Theme.last_job_id == job_id))
        }
        submissions = session.execute(
            select(Submission.id, Import.filename)
            .join(Import, Import.id == Submission.import_id)
            .order_by(Submission.import_id, Submission.id)
        ).all()
        rows = session.execute(
            select(Unit.response_id, Unit.theme_id, Unit.text)
            .join(Answer, Answer.id == Unit.response_id)
            .order_by(Unit.response_id, Unit.position)
        ).all()
        codes = session.execute(
            select(AnswerTheme.answer_id, AnswerTheme.theme_id, Theme.question_id)
            .join(Theme, Theme.id == AnswerTheme.theme_id)
            .order_by(AnswerTheme.answer_id, AnswerTheme.theme_id)
        ).all()
        texts = session.execute(
            select(Answer.id, Answer.submission_id, Question.text, Answer.text).join(
                Question, Question.id == Answer.question_id
            )
        ).all()
    place: dict[int, tuple[str, int]] = {}
    counter: dict[str, int] = defaultdict(int)
    for submission_id, filename in submissions:
        counter[filename] += 1
        place[submission_id] = (filename, counter[filename])
    themes: dict[int, list[int]] = defaultdict(list)
    pieces: dict[int, list[tuple[int | None, str]]] = defaultdict(list)
    for response_id, theme_id, unit_text in rows:
        known = theme_id if theme_id in labels else None
        pieces[response_id].append((known, unit_text))
        if known is not None:
            themes[response_id].append(known)
    # An answer's codes: its question's own themes where the question has them, else the
    # community-wide themes it was coded to.
    coded: dict[int, dict[bool, list[int]]] = defaultdict(lambda: {True: [], False: []})
    for answer_id, theme_id, question_id in codes:
        if theme_id in labels:
            coded[answer_id][question_id is not None].append(theme_id)
    answers: dict[tuple[str, int], dict[str, AnswerThemes]] = defaultdict(dict)
    for response_id, submission_id, question, text in texts:
        if response_id in pieces:
            answers[place[submission_id]][question] = AnswerThemes(
                text or "",
                themes.get(response_id, []),
                len(pieces[response_id]),
                pieces[response_id],
                coded[response_id][True] or coded[response_id][False],
            )
    return dict(answers), labels
