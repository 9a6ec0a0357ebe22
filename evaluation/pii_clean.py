"""Real text that names no one, for the false-[PERSON] rate: SemEval-2014 restaurant sentences
and Dreaddit posts (split into sentences), read from the public corpora folder by path."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"'“(]?[A-Z0-9])|\n+")
JUDGED = Path(__file__).resolve().parent.parent / "corpora" / "pii_clean_judged" / "judged.jsonl"
# The held-out parts whose touched spans were judged by hand (corpora/pii_clean_judged).
JUDGED_CORPORA = {
    "SemEval-2014 restaurants, test (held out)",
    "Dreaddit, test (held out)",
}
_RESTAURANT_FILES = ("Restaurants_Train_v2.xml", "Restaurants_Test_Gold.xml")
_DREADDIT_FILES = ("dreaddit-train.csv", "dreaddit-test.csv")


def split_sentences(text: str) -> list[str]:
    """Split a post at sentence ends and line breaks (a plain rule; no model)."""
    return [s.strip() for s in _SENTENCE_BREAK.split(text) if s and s.strip()]


def restaurant_sentences(corpora: Path, files: tuple[str, ...] = _RESTAURANT_FILES) -> list[str]:
    """SemEval-2014 ABSA restaurant review sentences (train v2 and gold test by default)."""
    sentences: list[str] = []
    for name in files:
        root = ET.parse(corpora / "semeval2014_absa" / name).getroot()
        sentences += [s.findtext("text") or "" for s in root.iter("sentence")]
    return [s.strip() for s in sentences if s.strip()]


def dreaddit_sentences(corpora: Path, files: tuple[str, ...] = _DREADDIT_FILES) -> list[str]:
    """Dreaddit Reddit posts (train and test by default), one sentence per entry, duplicates
    dropped."""
    seen: dict[str, None] = {}
    for name in files:
        with (corpora / "dreaddit" / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for sentence in split_sentences(row["text"]):
                    seen.setdefault(sentence, None)
    return list(seen)


def clean_corpora(corpora: Path) -> dict[str, list[str]]:
    """Each name-free corpus by name: the train parts (rules were tuned on them), the test parts
    (held out) and both."""
    restaurants_train, restaurants_test = _RESTAURANT_FILES
    dreaddit_train, dreaddit_test = _DREADDIT_FILES
    return {
        "SemEval-2014 restaurants, train (tuned on)": restaurant_sentences(
            corpora, (restaurants_train,)
        ),
        "SemEval-2014 restaurants, test (held out)": restaurant_sentences(
            corpora, (restaurants_test,)
        ),
        "SemEval-2014 restaurants, all": restaurant_sentences(corpora),
        "Dreaddit, train (tuned on)": dreaddit_sentences(corpora, (dreaddit_train,)),
        "Dreaddit, test (held out)": dreaddit_sentences(corpora, (dreaddit_test,)),
        "Dreaddit, all": dreaddit_sentences(corpora),
    }


def sentence_key(sentence: str) -> str:
    """How the judged set names a sentence without holding its text (the corpora stay out of the
    repository): the SHA-1 of its UTF-8 bytes."""
    return hashlib.sha1(sentence.encode("utf-8"), usedforsecurity=False).hexdigest()


def load_judgements(path: Path = JUDGED) -> dict[tuple[str, int, int], str]:
    """Each judged span, ``(sentence key, start, end)``, to ``person``, ``not_person`` or
    ``unclear``."""
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return {(r["sentence_sha1"], r["start"], r["end"]): r["label"] for r in rows}
