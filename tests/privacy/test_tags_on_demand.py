"""Tags on demand: the redactor tags a text only when a rule reads a tag, with the same result.

The comparison runs the real pipeline twice: the redactor as it is loaded (``tok2vec`` and the
tagger disabled, run on demand) and the same model with the tagger run on every text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.lang.en import English
from spacy.tokens import Doc

from service.config import Settings
from service.privacy import lazy
from service.privacy.redactor import Redactor

ROOT = Path(__file__).resolve().parents[2]
WRITTEN = [
    "The board pack went out on time.",
    "not sure why brett gets the credit",  # a lower-case name before a finite verb: tags read
    "helena marsh has been covering the desk",
    "can ahmed get the numbers by Friday?",
    "Will said the room is booked; will you check?",
    "Calm about the reorg. Felt good.",
    "Our new CFO Helena Marsh starts Monday, badge X-12345.",
    "Katz's Deli catered and Mare was closed.",
]


@pytest.fixture(scope="module")
def always_tagged() -> Redactor:
    """The same model with its tagger run on every text (the way it ran before tags on demand)."""
    nlp = spacy.load(
        Settings(environment="test").spacy_model,
        exclude=["parser", "senter"],
        disable=["attribute_ruler", "lemmatizer"],
    )
    return Redactor(nlp, precheck=False)


def _texts() -> list[str]:
    lines = (ROOT / "corpora" / "pii_dev3" / "pii_dev3.jsonl").read_text(encoding="utf-8")
    return WRITTEN + [json.loads(line)["text"] for line in lines.splitlines()[:300]]


def test_the_redactor_loads_without_running_the_tagger(redactor: Redactor) -> None:
    assert {"tok2vec", "tagger"} <= set(redactor.nlp.disabled)
    assert "ner" in redactor.nlp.pipe_names


def test_only_texts_a_rule_asks_about_are_tagged(redactor: Redactor) -> None:
    plain, lower_name = redactor.nlp.pipe(WRITTEN[:2])
    assert not plain.has_annotation("TAG")
    assert lower_name.has_annotation("TAG")
    assert [lower_name.text[s.start : s.end] for s in lower_name._.pii_spans] == ["brett"]
    assert not {"pii_tagger", "pii_text"} & set(plain.user_data)  # nothing left behind


def test_tags_on_demand_redact_as_tagging_every_text(
    redactor: Redactor, always_tagged: Redactor
) -> None:
    texts = _texts()
    before = redactor.precheck
    redactor.precheck = False  # every text through the pipeline
    try:
        lazy_results = redactor.redact(texts)
    finally:
        redactor.precheck = before
    tagged = always_tagged.redact(texts)
    assert [r.spans for r in lazy_results] == [r.spans for r in tagged]
    assert sum(bool(r.spans) for r in tagged) > 100  # the comparison covers real redactions


def test_one_doc_at_a_time_is_tagged_on_demand_too(
    redactor: Redactor, always_tagged: Redactor
) -> None:
    for text in WRITTEN:
        alone = redactor.nlp(text)  # ``__call__``: tags the doc itself when a rule asks
        (expected,) = always_tagged.redact([text])
        assert alone._.pii_spans == expected.spans, text


def _doc(words: list[str], tags: list[str] | None = None) -> Doc:
    return Doc(English().vocab, words=words, tags=tags)


def test_tag_matcher_checks_tags_only_when_asked() -> None:
    doc = _doc(["Will", "said", "Will", "you"], ["NNP", "VBD", "MD", "PRP"])
    matcher = lazy.TagMatcher(doc.vocab)
    matcher.add("MODAL_NAME", [[{"TEXT": "Will"}, {"TAG": {"IN": ["VBZ", "VBD"]}}]])
    matches = list(matcher(doc))
    assert [(m.label, m.start, m.end) for m in matches] == [
        ("MODAL_NAME", 0, 2),
        ("MODAL_NAME", 2, 4),
    ]
    assert [m.tags_hold() for m in matches] == [True, False]


def test_tag_matcher_reads_a_tag_a_regex_or_a_set() -> None:
    doc = _doc(["can", "ahmed", "get"], ["MD", "NNP", "VB"])
    matcher = lazy.TagMatcher(doc.vocab)
    matcher.add("A", [[{"LOWER": "can"}, {}, {"TAG": "VB"}]])
    matcher.add("B", [[{"LOWER": "can"}, {"TAG": {"REGEX": "^NN"}}]])
    matcher.add("C", [[{"LOWER": "ahmed"}, {"TAG": "VBZ"}]])
    assert {m.label: m.tags_hold() for m in matcher(doc)} == {"A": True, "B": True, "C": False}


def test_tag_matcher_refuses_a_tag_in_a_pattern_of_varying_length() -> None:
    matcher = lazy.TagMatcher(English().vocab)
    with pytest.raises(ValueError, match="takes no OP"):
        matcher.add("X", [[{"TAG": "VB", "OP": "?"}, {"LOWER": "x"}]])


def test_a_tag_read_runs_the_tagger_once_and_only_on_its_doc() -> None:
    doc = _doc(["priya", "said"])
    calls: list[Doc] = []

    def tagger(target: Doc) -> None:
        calls.append(target)
        target[0].tag_, target[1].tag_ = "NNP", "VBD"

    lazy.on_demand(doc, tagger)
    assert lazy.text(doc) == doc.text == "priya said "
    assert [lazy.tag(doc[1]), lazy.tag(doc[0])] == ["VBD", "NNP"]
    assert calls == [doc]
    lazy.settle(doc)
    assert doc.user_data == {}
