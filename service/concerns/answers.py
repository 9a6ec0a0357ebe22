"""Answer-level worry: an answer's level is its most worried unit, as the analysis reads it.

Also the blind hand-coded check-in set (``corpora/worry_checkins``): its development split (ids
whose last digit is even) may choose models and thresholds; its test split (odd last digit) is
only ever scored, by ``python -m evaluation concerns``.
"""

from __future__ import annotations

import csv
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sklearn.metrics import cohen_kappa_score, precision_score, recall_score

from service.concerns.schemas import WORRY_LEVEL
from service.errors import InvalidInput

if TYPE_CHECKING:
    from spacy.language import Language

ROOT = Path(__file__).resolve().parents[2]
BLIND = ROOT / "corpora" / "worry_checkins" / "answers.csv"
SPLITS = {"dev": 0, "test": 1}
"""Split name -> parity of the id's last digit."""


@dataclass(frozen=True)
class Answers:
    """Answers split into the analysis's sentence units.

    Attributes:
        ids: One id per answer.
        texts: The answers.
        levels: Gold levels 0-3, one per answer.
        units: The units of all answers, in order.
        owners: For each unit, the row of its answer.
    """

    ids: list[str]
    texts: list[str]
    levels: np.ndarray
    units: list[str]
    owners: np.ndarray


def load_blind(split: str, nlp: Language, path: Path = BLIND) -> Answers:
    """One split of the blind check-in set, split into units by the production splitter."""
    if split not in SPLITS:
        raise InvalidInput(f"Unknown split {split!r}: use 'dev' or 'test'")
    with Path(path).open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if int(r["id"][-1]) % 2 == SPLITS[split]]
    return split_answers(
        [r["id"] for r in rows], [r["text"] for r in rows], [int(r["level"]) for r in rows], nlp
    )


def split_answers(
    ids: Sequence[str], texts: Sequence[str], levels: Sequence[int], nlp: Language
) -> Answers:
    """Split answers into units with :func:`service.nlp.units.split_units` (as the analysis does).

    A non-answer ("n/a") has no unit, so its level is 0, as it is in the analysis.
    """
    from service.nlp.units import split_units

    pieces = split_units(list(texts), nlp)
    return Answers(
        ids=list(ids),
        texts=list(texts),
        levels=np.asarray(levels, dtype=int),
        units=[unit for units in pieces for unit in units],
        owners=np.array([row for row, units in enumerate(pieces) for _ in units], dtype=int),
    )


def answer_levels(unit_levels: Sequence[int], owners: np.ndarray, n_answers: int) -> np.ndarray:
    """Each answer's level: the highest level among its units (0 without units)."""
    levels = np.zeros(n_answers, dtype=int)
    np.maximum.at(levels, np.asarray(owners, dtype=int), np.asarray(unit_levels, dtype=int))
    return levels


def agreement(gold: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Quadratic-weighted kappa, exact agreement, precision and recall for level >= 2."""
    gold, predicted = np.asarray(gold), np.asarray(predicted)
    worried, flagged = gold >= WORRY_LEVEL, predicted >= WORRY_LEVEL
    return {
        "n": int(len(gold)),
        "kappa": float(cohen_kappa_score(gold, predicted, weights="quadratic")),
        "exact": float(np.mean(gold == predicted)),
        "precision": float(precision_score(worried, flagged, zero_division=0)),
        "recall": float(recall_score(worried, flagged, zero_division=0)),
    }


def answer_keys(owners: np.ndarray) -> list[Hashable]:
    """The ``answers=`` keys the scorer takes: one per unit, the row of its answer."""
    return [int(row) for row in owners]
