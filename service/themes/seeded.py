"""Code answers against a codebook: each code seeded by its name, description and examples.

The committee's codebook (issue 19) holds codes a person wrote: a name ("Workload and long
hours"), a description, and a few example answers. :class:`SeededCoder` codes every new sentence
or answer against all of them, in the embedding space:

- a unit's **similarity** to a code is the mean of four cosines: to the code's words ("name:
  description"), to the nearest of its facets (the name and each phrase of the description, so a
  short answer can match one facet of a long description), to its nearest example, and to the mean
  of its examples; a code without examples uses its words for the last two;
- an answer takes its **best code** when that similarity reaches ``floor``, and every further code
  within ``margin`` of the best one, at most ``max_codes``; an answer under the floor fits no code
  and is left for theme discovery.

Answers are coded from their sentences and the whole answer (``groups``): a sentence carries the
code it speaks to, the whole answer carries short fragments. The design and the defaults were
chosen on the dev split of ``corpora/coding`` (``python -m evaluation coding``): a logistic
regression on the examples and self-training on the new answers did no better on it, and centring
each code's scores hurt. With all-MiniLM-L6-v2 the best code is right for about 6 answers in 10.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from service.nlp.embeddings import Embedder

__all__ = ["CodeSeed", "SeededCoder"]


@dataclass(frozen=True)
class CodeSeed:
    """One code of a codebook, as the committee wrote it."""

    name: str
    description: str = ""
    examples: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """What the code says in words: its name, then its description."""
        return f"{self.name}: {self.description}" if self.description else self.name


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def facets(seed: CodeSeed) -> list[str]:
    """The name and each phrase of two words or more of the description."""
    pieces = re.split(r"[:;,.()]| or ", seed.description)
    return [seed.name] + [p.strip() for p in pieces if len(p.split()) >= 2]


class SeededCoder:
    """Multi-label coding against seeded codes (scikit-learn style: ``fit`` returns ``self``).

    Args:
        max_codes: The most codes one answer takes.
        margin: How far under the best code's similarity a further code may be.
        floor: The least similarity of an answer's best code; under it the answer fits none.
    """

    def __init__(self, *, max_codes: int = 3, margin: float = 0.03, floor: float = 0.25) -> None:
        self.max_codes = max_codes
        self.margin = margin
        self.floor = floor

    def fit(self, seeds: Sequence[CodeSeed], embedder: Embedder) -> SeededCoder:
        """Embed every code's words, facets and examples."""
        if not seeds:
            raise ValueError("a codebook needs at least one code")
        parts = [[seed.text] for seed in seeds] + [facets(s) for s in seeds]
        parts += [list(seed.examples) or [seed.text] for seed in seeds]
        owner = np.asarray([i for i, texts in enumerate(parts) for _ in texts])
        vectors = _unit(
            np.asarray(embedder.embed([t for texts in parts for t in texts]), dtype=np.float32)
        )
        n = len(seeds)
        self.words_ = vectors[owner < n]
        self.facets_ = vectors[(owner >= n) & (owner < 2 * n)]
        self.facet_owner_ = owner[(owner >= n) & (owner < 2 * n)] - n
        self.examples_ = vectors[owner >= 2 * n]
        self.example_owner_ = owner[owner >= 2 * n] - 2 * n
        self.example_means_ = _unit(
            np.vstack([self.examples_[self.example_owner_ == c].mean(axis=0) for c in range(n)])
        )
        self.n_codes_ = n
        return self

    def similarity(self, vectors: np.ndarray) -> np.ndarray:
        """Similarity of each unit to each code, shape ``(n_units, n_codes)``."""
        if not hasattr(self, "words_"):
            raise RuntimeError("SeededCoder is not fitted yet: call fit(seeds, embedder) first")
        vectors = _unit(np.asarray(vectors, dtype=np.float32))
        total = vectors @ self.words_.T + vectors @ self.example_means_.T
        for matrix, owner in (
            (self.facets_, self.facet_owner_),
            (self.examples_, self.example_owner_),
        ):
            sims = vectors @ matrix.T
            total += np.stack(
                [sims[:, owner == code].max(axis=1) for code in range(self.n_codes_)], axis=1
            )
        return total / 4

    def predict(
        self, vectors: np.ndarray, *, groups: Sequence[int] | None = None
    ) -> list[tuple[int, ...]]:
        """The codes (indices, best first) of each unit, or of each group of units.

        ``groups``: the group (answer) of each row of ``vectors``; then one result per group,
        in order of the group numbers ``0 .. max(groups)``, each code scored by its best row.
        ``()`` means the unit or answer fits no code.
        """
        similarity = self.similarity(vectors)
        if not len(similarity):
            return []
        owners = np.arange(len(similarity)) if groups is None else np.asarray(groups)
        best = np.full((int(owners.max()) + 1, self.n_codes_), -np.inf)
        np.maximum.at(best, owners, similarity)
        return [self._codes(row) for row in best]

    def _codes(self, scores: np.ndarray) -> tuple[int, ...]:
        order = np.argsort(-scores)
        top = int(order[0])
        if not np.isfinite(scores[top]) or scores[top] < self.floor:
            return ()
        picked = [int(c) for c in order if scores[c] >= scores[top] - self.margin]
        return tuple(picked[: self.max_codes])
