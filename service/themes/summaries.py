"""A theme's summary: two or three of its own sentences, each citing the answers it rests on.

Extractive and offline. The sentences are picked by maximal marginal relevance (MMR) over the
theme's embeddings: the first is the text closest to the theme's centroid, each next one trades
closeness to the centroid against similarity to those already picked, so the summary covers
different sides of the theme instead of repeating its centre. Each picked text cites its own
answer and the answers of the near-duplicates it stands for (cosine at least
:data:`NEAR_DUPLICATE`, or the same words): a reader can open every answer a sentence speaks for.

Texts of fewer than :data:`MIN_WORDS` words ("Not great.") are picked only when nothing longer is
left, and a text is not picked twice for one answer while other answers remain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

NEAR_DUPLICATE = 0.8  # cosine at which one text stands for another in the citations
MMR_LAMBDA = 0.6  # weight of closeness to the centroid against novelty
MIN_WORDS = 4  # shorter texts only when nothing longer is left
MAX_CHARS = 240  # longer texts are cut at a sentence end (or a word) before this
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…](?=\s)")


@dataclass(frozen=True)
class CitedSentence:
    """One sentence of a summary and the answers it rests on.

    Attributes:
        text: The sentence as an answer wrote it (redacted, whitespace tidied, long ones cut).
        answer_ids: The answers it stands for: its own first, then its near-duplicates'.
    """

    text: str
    answer_ids: tuple[int, ...]


def summarise(
    texts: Sequence[str],
    answer_ids: Sequence[int],
    vectors: np.ndarray,
    centroid: np.ndarray,
    *,
    sentences: int = 3,
) -> list[CitedSentence]:
    """Up to ``sentences`` distinct sentences from the most central, diverse of ``texts``.

    Args:
        texts: The theme's redacted units or answers.
        answer_ids: The answer of each text (several units may share one).
        vectors: Their embeddings, row-aligned with ``texts``.
        centroid: The theme's centroid in the same space.
        sentences: The most sentences to return (fewer when the theme has fewer distinct texts).

    Raises:
        ValueError: ``texts``, ``answer_ids`` and ``vectors`` are not row-aligned.
    """
    if not len(texts) == len(answer_ids) == len(vectors):
        raise ValueError(
            f"texts ({len(texts)}), answer_ids ({len(answer_ids)}) and vectors "
            f"({len(vectors)}) must be row-aligned"
        )
    tidy = [_SPACE.sub(" ", text).strip() for text in texts]
    rows = [i for i, text in enumerate(tidy) if text]
    if not rows or sentences < 1:
        return []
    unit = _normalise(np.asarray(vectors, dtype=np.float64)[rows])
    similarity = unit @ unit.T
    relevance = unit @ _normalise(np.asarray(centroid, dtype=np.float64).reshape(1, -1))[0]
    keys = [_key(tidy[i]) for i in rows]
    same = np.array([[a == b for b in keys] for a in keys])
    picked = _pick(
        relevance,
        similarity,
        same,
        long=np.array([len(_WORD.findall(tidy[i])) >= MIN_WORDS for i in rows]),
        answers=[answer_ids[i] for i in rows],
        limit=sentences,
    )
    return _cite(picked, similarity, same, [tidy[i] for i in rows], [answer_ids[i] for i in rows])


def _pick(
    relevance: np.ndarray,
    similarity: np.ndarray,
    same: np.ndarray,
    *,
    long: np.ndarray,
    answers: Sequence[int],
    limit: int,
) -> list[int]:
    """MMR over the rows; near-duplicates of a picked row are never picked after it."""
    picked: list[int] = []
    open_ = np.ones(len(relevance), dtype=bool)
    while len(picked) < limit and open_.any():
        score = relevance.copy()
        if picked:
            novelty = similarity[:, picked].max(axis=1)
            score = MMR_LAMBDA * relevance - (1 - MMR_LAMBDA) * novelty
        # preferences, strongest first: a long text, then an answer not yet quoted
        quoted = {answers[i] for i in picked}
        fresh = np.array([answers[i] not in quoted for i in range(len(relevance))])
        pool = open_ & long & fresh
        for fallback in (open_ & long, open_ & fresh, open_):
            if pool.any():
                break
            pool = fallback
        best = int(np.flatnonzero(pool)[np.argmax(score[pool])])
        picked.append(best)
        open_ &= ~((similarity[best] >= NEAR_DUPLICATE) | same[best])
    return picked


def _cite(
    picked: list[int],
    similarity: np.ndarray,
    same: np.ndarray,
    texts: Sequence[str],
    answers: Sequence[int],
) -> list[CitedSentence]:
    """Each picked text with its answer and those of the rows it stands for."""
    closest = np.asarray(picked)[np.argmax(similarity[:, picked], axis=1)]
    cited: list[CitedSentence] = []
    for row in picked:
        members = [
            i
            for i in range(len(texts))
            if same[row, i] or (closest[i] == row and similarity[row, i] >= NEAR_DUPLICATE)
        ]
        others = sorted({answers[i] for i in members} - {answers[row]})
        cited.append(CitedSentence(_shorten(texts[row]), (answers[row], *others)))
    return cited


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def _key(text: str) -> str:
    """The words of ``text``, lower-cased: texts with the same key read the same."""
    return " ".join(_WORD.findall(text.lower()))


def _shorten(text: str) -> str:
    """``text`` cut at the last sentence end (or else the last word) before :data:`MAX_CHARS`."""
    if len(text) <= MAX_CHARS:
        return text
    head = text[:MAX_CHARS]
    ends = [m.end() for m in _SENTENCE_END.finditer(head + " ")]
    if ends and ends[-1] >= MAX_CHARS // 3:
        return head[: ends[-1]].strip()
    return head.rsplit(" ", 1)[0].rstrip(" ,;:-") + "…"
