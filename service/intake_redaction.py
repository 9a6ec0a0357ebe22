"""Redacting an import a chunk at a time, each distinct text once (the ingest side of privacy).

The rules are the redactor's (``service.privacy``): this module only decides what goes through
it and how often. It mirrors :func:`service.privacy.service.redact_import` on a whole file, with
the same result and the same count, while holding one or two chunks of records at a time:

- free-text answers are redacted, the same text once per import (a bounded cache keeps results
  across chunks; repeated answers such as "Nothing" or "All good" are common in check-ins);
- typed short answers and segment values ("EA to Sarah Jones" as a role) are redacted too, and
  each distinct value's spans are counted once per import, as the whole-file pass counts them.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from service.ingest.schemas import Answer, ParsedRecord, QuestionKind, QuestionSpec
from service.privacy.pool import RedactionPool
from service.privacy.redactor import Redactor

_CACHE_LIMIT = 50_000  # distinct texts remembered across chunks (about 20 MB at most)


class ChunkRedactor:
    """Redacts the records of one import, chunk by chunk, with the import's gazetteer."""

    def __init__(
        self,
        redactor: Redactor,
        *,
        questions: list[QuestionSpec] | None = None,
        free_text: set[str] | None = None,
        gazetteer: frozenset[str],
        pool: RedactionPool | None = None,
    ) -> None:
        """Hold the redactor, the import's free-text questions (or their texts) and gazetteer.

        With ``pool`` the pool's processes redact and ``redactor`` is not used.
        """
        self.redactor = redactor
        self.pool = pool
        self.gazetteer = gazetteer
        self.free_text = set(free_text or ()) | {
            q.text for q in questions or () if q.kind == QuestionKind.FREE_TEXT
        }
        self.free_replaced = 0  # spans replaced in free-text answers so far
        self.short_spans: dict[str, int] = {}  # each redacted short value's spans, counted once
        self.texts_seen = 0  # texts in the chunks so far
        self.texts_redacted = 0  # distinct texts sent through the pipeline
        self._cache: dict[str, tuple[str, int]] = {}
        self._in_flight: set[str] = set()

    @property
    def replaced(self) -> int:
        """Spans replaced so far, counted as the whole-file pass counts them."""
        return self.free_replaced + sum(self.short_spans.values())

    def redact(self, records: list[ParsedRecord]) -> None:
        """Replace personal data in ``records`` in place; personal values are dropped."""
        self.finish(self.start(records))

    def start(self, records: list[ParsedRecord]) -> PendingChunk:
        """Send the chunk's new texts to the pool (if any) and return at once.

        Starting the next chunk before finishing this one keeps the pool's processes busy while
        this process stores; chunks must be finished in the order they were started.
        """
        free = [a for r in records for a in r.answers if a.question in self.free_text and a.text]
        short = {a.text for r in records for a in r.answers if a.question not in self.free_text}
        short |= {v for r in records for v in r.segments.values()}
        short.discard(None)
        short.discard("")
        texts = [a.text or "" for a in free] + sorted(v or "" for v in short)
        wanted = list(dict.fromkeys(texts))
        self.texts_seen += len(wanted)
        # a text of an earlier chunk still being redacted is taken from the cache when finished
        missing = [t for t in wanted if t not in self._cache and t not in self._in_flight]
        self.texts_redacted += len(missing)
        self._in_flight.update(missing)
        futures = self.pool.submit(missing, self.gazetteer) if self.pool is not None else None
        return PendingChunk(records, free, short, wanted, missing, futures)

    def finish(self, chunk: PendingChunk) -> None:
        """Wait for the chunk's texts and put the redactions in place."""
        new = dict(zip(chunk.missing, self._redacted(chunk), strict=True))
        found = {t: new[t] if t in new else self._cache.get(t) for t in chunk.wanted}
        lost = [t for t, result in found.items() if result is None]  # evicted meanwhile: rare
        found.update(zip(lost, self._redact_now(lost), strict=True))
        self._in_flight.difference_update(chunk.missing)
        if len(self._cache) + len(new) > _CACHE_LIMIT:
            for old in list(self._cache)[: _CACHE_LIMIT // 2]:  # the oldest half
                del self._cache[old]
        self._cache.update(new)
        self._apply(chunk, {t: r for t, r in found.items() if r is not None})

    def _redacted(self, chunk: PendingChunk) -> list[tuple[str, int]]:
        if chunk.futures is not None and self.pool is not None:
            return self.pool.collect(chunk.futures)
        return self._redact_now(chunk.missing)

    def _redact_now(self, texts: list[str]) -> list[tuple[str, int]]:
        if not texts:
            return []
        if self.pool is not None:
            return self.pool.redact(texts, self.gazetteer)
        return [(r.text, len(r.spans)) for r in self.redactor.redact(texts, self.gazetteer)]

    def _apply(self, chunk: PendingChunk, results: dict[str, tuple[str, int]]) -> None:
        for answer in chunk.free:
            answer.text, spans = results[answer.text or ""]
            self.free_replaced += spans
        changed = {v: results[v][0] for v in chunk.short if v and results[v][1]}
        for value in changed:
            self.short_spans.setdefault(value, results[value][1])
        for record in chunk.records:
            record.personal_values.clear()
            if not changed:
                continue
            for answer in record.answers:
                if answer.question not in self.free_text and answer.text in changed:
                    answer.text = changed[answer.text]
            for key, value in record.segments.items():
                if value in changed:
                    record.segments[key] = changed[value]


@dataclass
class PendingChunk:
    """A chunk whose new texts are being redacted (:meth:`ChunkRedactor.start`)."""

    records: list[ParsedRecord]
    free: list[Answer]
    short: set[str | None]
    wanted: list[str]
    missing: list[str]
    futures: list[Future[Any]] | None = field(default=None, repr=False)
