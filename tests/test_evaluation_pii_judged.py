"""The hand-judged false-[PERSON] measure: the frozen judgements and how a sentence is counted."""

from __future__ import annotations

import hashlib
import re

from evaluation.pii_clean import JUDGED, load_judgements, sentence_key
from evaluation.pii_report import judged_rate
from service.privacy.patterns import Span


def test_the_judged_file_is_the_frozen_one() -> None:
    readme = (JUDGED.parent / "README.md").read_text(encoding="utf-8")
    frozen = re.search(r"```\n([0-9a-f]{64})\n```", readme)
    assert frozen is not None
    assert hashlib.sha256(JUDGED.read_bytes()).hexdigest() == frozen.group(1)


def test_every_judgement_is_one_of_three_labels() -> None:
    judgements = load_judgements()
    assert len(judgements) == 187
    assert set(judgements.values()) == {"person", "not_person", "unclear"}


def test_a_sentence_counts_as_false_when_any_span_is_not_a_person() -> None:
    sentences = [
        "We went to Mamoun's with Priya.",  # one real name, one restaurant
        "Priya joined us.",  # a real name only
        "Erik said no.",  # a span nobody judged
        "Nothing here.",  # untouched
    ]
    key = sentence_key
    judgements = {
        (key(sentences[0]), 11, 17): "not_person",
        (key(sentences[0]), 25, 30): "person",
        (key(sentences[1]), 0, 5): "person",
    }
    spans = [
        [Span(11, 17, "PERSON"), Span(25, 30, "PERSON")],
        [Span(0, 5, "PERSON")],
        [Span(0, 4, "PERSON")],
        [],
    ]
    row = judged_rate(sentences, spans, judgements)
    assert (row["false"], row["unjudged"], row["real"]) == (1, 1, 1)
    assert row["rate"] == 0.25
    assert row["upper"] == 0.5


def test_spans_of_other_labels_are_not_counted() -> None:
    sentence = "Badge 88412 is mine."
    row = judged_rate([sentence], [[Span(6, 11, "ID")]], {})
    assert row == {"false": 0, "unjudged": 0, "real": 0, "rate": 0.0, "upper": 0.0}
