"""Redaction in several processes: a large import uses every core, not one.

spaCy's tagger and NER are CPU-bound Python and C under one interpreter lock, so a thread pool
gains nothing. :class:`RedactionPool` starts ``processes`` child processes (``spawn``: no state
of the parent is shared, which is safe beside the API server's threads), each loading the same
redactor once, and splits every batch of texts between them. Texts travel to the children as
pickled strings through a local pipe and never leave the machine; results come back as redacted
text and a span count. Each child keeps its linear algebra to one thread, so ``processes``
children use ``processes`` cores.

A child outlives nothing: a watch thread ends it when its parent is gone (an import killed with
``kill -9`` gives its children no chance to be told, and a child waiting on the task queue would
otherwise wait for ever, holding its model's memory).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from service.config import PrivacySettings

PIECE = 128  # texts per task: small enough that the children finish a batch together
PARALLEL_MIN_ROWS = 5_000  # smaller imports redact in the importing process (no start-up cost)
PARENT_POLL = 0.5  # seconds between a child's looks at whether its parent still runs
_redactor: Any = None  # the child's redactor, loaded by ``_start``


def processes_for(setting: int, rows: int) -> int:
    """How many redaction processes an import of ``rows`` rows uses (1: the importing one).

    ``setting`` is ``PEERPULSE_REDACTION_PROCESSES``: 0 picks one per core for imports of
    ``PARALLEL_MIN_ROWS`` rows or more (starting a process costs seconds, worth it only then).
    A daemonic process (a Celery prefork child) may not start children: it redacts alone.
    """
    if multiprocessing.current_process().daemon:
        return 1
    if setting == 0:
        return (os.cpu_count() or 1) if rows >= PARALLEL_MIN_ROWS else 1
    return setting


def _exit_with(parent: int) -> None:
    """End this process at once when ``parent`` is no longer its parent (it died)."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(1)


def _start(
    model_name: str, privacy: PrivacySettings, use_lexicon: bool, parent: int | None = None
) -> None:
    """Load the child's redactor once; linear algebra on one thread per child.

    ``parent`` is the pool's process: the child watches it from a daemon thread.
    """
    global _redactor
    from threadpoolctl import threadpool_limits

    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()

    from service.privacy.redactor import load_redactor

    threadpool_limits(limits=1)
    _redactor = load_redactor(model_name, use_lexicon=use_lexicon, privacy=privacy)


def _redact_piece(texts: list[str], gazetteer: frozenset[str]) -> list[tuple[str, int]]:
    """Redact one piece in a child: each text's redaction and span count."""
    return [(r.text, len(r.spans)) for r in _redactor.redact(texts, gazetteer)]


class RedactionPool:
    """Child processes that each hold a redactor; use as a context manager."""

    def __init__(
        self,
        model_name: str,
        *,
        processes: int,
        privacy: PrivacySettings | None = None,
        use_lexicon: bool = True,
    ) -> None:
        """Start ``processes`` children loading ``model_name`` with the redaction options."""
        self._executor = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(model_name, privacy or PrivacySettings(), use_lexicon, os.getpid()),
        )

    def redact(self, texts: Sequence[str], gazetteer: frozenset[str]) -> list[tuple[str, int]]:
        """Each text's redaction and span count, in order, redacted by the children."""
        return self.collect(self.submit(texts, gazetteer))

    def submit(self, texts: Sequence[str], gazetteer: frozenset[str]) -> list[Future[Any]]:
        """Queue the texts in pieces and return at once; :meth:`collect` waits for them."""
        pieces = [list(texts[i : i + PIECE]) for i in range(0, len(texts), PIECE)]
        return [self._executor.submit(_redact_piece, piece, gazetteer) for piece in pieces]

    def collect(self, futures: list[Future[Any]]) -> list[tuple[str, int]]:
        """The queued pieces' results, in the order they were submitted."""
        return [result for future in futures for result in future.result()]

    def pids(self) -> list[int]:
        """The children's process ids (those started so far)."""
        return sorted(self._executor._processes or {})

    def close(self) -> None:
        """Stop the children (at once if a batch failed: queued pieces are cancelled)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> RedactionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
