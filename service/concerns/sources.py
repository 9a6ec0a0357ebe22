"""Training data nobody on this project wrote, mapped to the 0-3 concern scale.

Each loader reads one public corpus from a folder passed in (``../shared/corpora`` by default in
``service.concerns.train``) and returns a :class:`Source`: texts, levels 0-3, and a fixed
held-back mask (20 % of rows by a hash of the row's key, so the split never depends on order).
The mappings are written down here, in the model card and in ``corpora/README.md``:

- **RWWD** (Real World Worry Dataset, Kleinberg et al. 2020, GPL-3.0): people rating their own
  worry 1-9 and writing about it. Worry 1-3 -> 0, 4-5 -> 1, 6-7 -> 2, 8-9 -> 3, for the long text
  and the tweet-sized short text of each row (two examples per writer, one split per writer).
- **Dreaddit** (Turcan & McKeown 2019, no licence stated; cited): stressed Reddit post
  segments -> 2, not stressed -> 0. Only rows annotated with confidence >= 0.8 are used.
- **GoEmotions** (Demszky et al. 2020, Apache-2.0): a comment labelled nervousness or fear -> 2
  (both -> 3); a comment labelled only with anger, annoyance, disgust, disappointment or
  disapproval -> 0 (negativity that is not worry); a neutral-only comment -> 0 (one in eight, by
  hash). Their own train/dev/test splits are kept: train rows train, test rows are held back.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from service.errors import InvalidInput

HELD_BACK_PERCENT = 20
RWWD_LEVELS = {1: 0, 2: 0, 3: 0, 4: 1, 5: 1, 6: 2, 7: 2, 8: 3, 9: 3}
"""RWWD self-rated worry (1-9) -> concern level (0-3)."""
DREADDIT_MIN_CONFIDENCE = 0.8
GOEMOTIONS_WORRY = {"nervousness": 19, "fear": 14}
GOEMOTIONS_NEGATIVE = {
    "anger": 2,
    "annoyance": 3,
    "disappointment": 9,
    "disapproval": 10,
    "disgust": 11,
}
GOEMOTIONS_NEUTRAL = 27
NEUTRAL_KEEP_ONE_IN = 8


@dataclass(frozen=True)
class Source:
    """One corpus mapped to concern levels: ``held_back`` rows are never trained on."""

    name: str
    texts: list[str]
    levels: np.ndarray
    held_back: np.ndarray

    def part(self, *, held_back: bool) -> tuple[list[str], np.ndarray]:
        """The training rows (``held_back=False``) or the held-back rows."""
        keep = self.held_back == held_back
        return [t for t, k in zip(self.texts, keep, strict=True) if k], self.levels[keep]


def _hash_percent(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 100


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise InvalidInput(
            f"Corpus file not found: {path}",
            hint="Pass --corpora PATH (the folder holding rwwd/, dreaddit/, goemotions/).",
        )
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_rwwd(folder: Path) -> Source:
    """RWWD long and short texts, worry 1-9 mapped by :data:`RWWD_LEVELS`."""
    rows = _read_csv(Path(folder) / "data_phase_1" / "files_clean" / "meta" / "rwwd_full.csv")
    texts, levels, held = [], [], []
    for index, row in enumerate(rows):
        if not row.get("worry", "").strip():
            continue
        level = RWWD_LEVELS[int(float(row["worry"]))]
        is_held = _hash_percent(f"rwwd-{index}") < HELD_BACK_PERCENT
        for column in ("text_long", "text_short"):
            text = (row.get(column) or "").strip()
            if text:
                texts.append(text)
                levels.append(level)
                held.append(is_held)
    return Source("rwwd", texts, np.array(levels), np.array(held))


def load_dreaddit(folder: Path) -> Source:
    """Dreaddit train (training) and test (held back), confident rows only."""
    texts, levels, held = [], [], []
    for split in ("train", "test"):
        for row in _read_csv(Path(folder) / f"dreaddit-{split}.csv"):
            if float(row["confidence"]) < DREADDIT_MIN_CONFIDENCE:
                continue
            texts.append(row["text"])
            levels.append(2 if row["label"] == "1" else 0)
            held.append(split == "test")
    return Source("dreaddit", texts, np.array(levels), np.array(held))


def _goemotions_level(ids: set[int], key: str) -> int | None:
    worried = ids & set(GOEMOTIONS_WORRY.values())
    if worried:
        return 3 if len(worried) == 2 else 2
    if ids and ids <= set(GOEMOTIONS_NEGATIVE.values()):
        return 0
    if ids == {GOEMOTIONS_NEUTRAL} and _hash_percent(key) % NEUTRAL_KEEP_ONE_IN == 0:
        return 0
    return None


def load_goemotions_worry(folder: Path) -> Source:
    """GoEmotions train (training) and test (held back), mapped by ``_goemotions_level``."""
    texts, levels, held = [], [], []
    for split in ("train", "test"):
        path = Path(folder) / f"{split}.tsv"
        if not path.is_file():
            raise InvalidInput(f"GoEmotions not found at {path}", hint="Pass --corpora PATH.")
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                text, ids, key = line.rstrip("\n").split("\t")
                level = _goemotions_level({int(i) for i in ids.split(",")}, key)
                if level is not None:
                    texts.append(text)
                    levels.append(level)
                    held.append(split == "test")
    return Source("goemotions", texts, np.array(levels), np.array(held))


LOADERS = {"rwwd": load_rwwd, "dreaddit": load_dreaddit, "goemotions": load_goemotions_worry}
"""Source name -> loader taking the corpus's own folder (``corpora / name``)."""
