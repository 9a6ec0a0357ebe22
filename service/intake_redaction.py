"""Redacting an import a chunk at a time, each distinct text once (the ingest side of privacy).

The rules are the redactor's (``service.privacy``): this module only decides what goes through
it and how often. It mirrors :func:`service.privacy.service.redact_import` on a whole file, with
the same result and the same count, while holding one chunk of records at a time:

- free-text answers are redacted, the same text once per import (a bounded cache keeps results
  across chunks; repeated answers such as "Nothing" or "All good" are common in check-ins);
- typed short answers and segment values ("EA to Sarah Jones" as a role) are redacted too, and
  each distinct value's spans are counted once per import, as the whole-file pass counts them.
"""

from __future__ import annotations

from collections.abc import Iterable

from service.ingest.schemas import ParsedRecord, QuestionKind, QuestionSpec
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
    ) -> None:
        """Hold the redactor, the import's free-text questions (or their texts) and gazetteer."""
        self.redactor = redactor
        self.gazetteer = gazetteer
        self.free_text = set(free_text or ()) | {
            q.text for q in questions or () if q.kind == QuestionKind.FREE_TEXT
        }
        self.free_replaced = 0  # spans replaced in free-text answers so far
        self.short_spans: dict[str, int] = {}  # each redacted short value's spans, counted once
        self.texts_seen = 0  # texts in the chunks so far
        self.texts_redacted = 0  # distinct texts sent through the pipeline
        self._cache: dict[str, tuple[str, int]] = {}

    @property
    def replaced(self) -> int:
        """Spans replaced so far, counted as the whole-file pass counts them."""
        return self.free_replaced + sum(self.short_spans.values())

    def redact(self, records: list[ParsedRecord]) -> None:
        """Replace personal data in ``records`` in place; personal values are dropped."""
        free = [a for r in records for a in r.answers if a.question in self.free_text and a.text]
        short = {a.text for r in records for a in r.answers if a.question not in self.free_text}
        short |= {v for r in records for v in r.segments.values()}
        short.discard(None)
        short.discard("")
        results = self._results([a.text or "" for a in free] + sorted(v or "" for v in short))
        for answer in free:
            answer.text, spans = results[answer.text or ""]
            self.free_replaced += spans
        changed = {v: results[v][0] for v in short if v and results[v][1]}
        for value in changed:
            self.short_spans.setdefault(value, results[value][1])
        for record in records:
            record.personal_values.clear()
            if not changed:
                continue
            for answer in record.answers:
                if answer.question not in self.free_text and answer.text in changed:
                    answer.text = changed[answer.text]
            for key, value in record.segments.items():
                if value in changed:
                    record.segments[key] = changed[value]

    def _results(self, texts: Iterable[str]) -> dict[str, tuple[str, int]]:
        """Each distinct text's redaction and span count, from the cache or the pipeline."""
        wanted = list(dict.fromkeys(texts))
        self.texts_seen += len(wanted)
        missing = [t for t in wanted if t not in self._cache]
        self.texts_redacted += len(missing)
        found = {t: self._cache[t] for t in wanted if t in self._cache}
        for text, result in zip(
            missing, self.redactor.redact(missing, self.gazetteer), strict=True
        ):
            found[text] = (result.text, len(result.spans))
        if len(self._cache) + len(missing) > _CACHE_LIMIT:
            for old in list(self._cache)[: _CACHE_LIMIT // 2]:  # the oldest half
                del self._cache[old]
        self._cache.update((t, found[t]) for t in missing)
        return found
