"""Extractive summaries with citations, on the real MiniLM embeddings."""

from __future__ import annotations

import numpy as np
import pytest

from service.modelstore import ModelStore
from service.themes.summaries import MAX_CHARS, CitedSentence, summarise

# One theme about a restructure: answers 10-17, two of them near-copies of answer 10.
RESTRUCTURE = {
    10: "The restructure announcement left everyone worried about their jobs.",
    11: "After the restructure announcement we all worry about job security.",
    12: "The restructure announcement made everyone worried about their jobs.",
    13: "Nobody has told us which teams will be merged in the new structure.",
    14: "My manager could not say whether my role survives the reorganisation.",
    15: "Rumours about redundancies are spreading faster than the official news.",
    16: "I updated my CV the week the new org chart came out.",
    17: "Not great.",
}


def _theme(models: ModelStore, answers: dict[int, str]) -> tuple[list[str], list[int], np.ndarray]:
    texts = list(answers.values())
    return texts, list(answers), models.embedder.embed(texts)


def _summary(models: ModelStore, answers: dict[int, str], **kwargs) -> list[CitedSentence]:
    texts, ids, vectors = _theme(models, answers)
    return summarise(texts, ids, vectors, vectors.mean(axis=0), **kwargs)


def test_summary_cites_only_answers_of_the_theme(models: ModelStore) -> None:
    summary = _summary(models, RESTRUCTURE)
    assert len(summary) == 3
    for sentence in summary:
        assert sentence.answer_ids
        assert set(sentence.answer_ids) <= set(RESTRUCTURE)
        assert sentence.text == RESTRUCTURE[sentence.answer_ids[0]]


def test_summary_sentences_are_distinct_and_not_near_copies(models: ModelStore) -> None:
    summary = _summary(models, RESTRUCTURE)
    texts = [s.text for s in summary]
    assert len(set(texts)) == len(texts)
    copies = {10, 11, 12}  # the announcement answers say one thing three times
    assert sum(s.answer_ids[0] in copies for s in summary) == 1


def test_a_sentence_cites_the_near_duplicates_it_stands_for(models: ModelStore) -> None:
    summary = _summary(models, RESTRUCTURE)
    announcement = next(s for s in summary if s.answer_ids[0] in {10, 11, 12})
    assert {10, 12} <= set(announcement.answer_ids)
    cited = [i for s in summary for i in s.answer_ids]
    assert len(cited) == len(set(cited))  # no answer cited by two sentences


def test_short_fragments_are_not_picked_while_longer_answers_remain(models: ModelStore) -> None:
    summary = _summary(models, RESTRUCTURE, sentences=5)
    assert "Not great." not in [s.text for s in summary]


def test_theme_with_one_answer_gives_one_sentence(models: ModelStore) -> None:
    summary = _summary(models, {7: "The coffee machine on the third floor is broken again."})
    assert summary == [
        CitedSentence("The coffee machine on the third floor is broken again.", (7,))
    ]


def test_identical_answers_give_one_sentence_citing_all(models: ModelStore) -> None:
    summary = _summary(
        models, {3: "Too many meetings.", 5: "too many  meetings", 9: "Too many meetings!"}
    )
    assert len(summary) == 1
    assert sorted(summary[0].answer_ids) == [3, 5, 9]


def test_units_of_one_answer_cite_that_answer_once(models: ModelStore) -> None:
    texts = [
        "The new expense tool rejects every receipt I photograph.",
        "It also logs me out twice a day.",
        "Expense claims now take me an hour each month.",
    ]
    vectors = models.embedder.embed(texts)
    summary = summarise(texts, [4, 4, 8], vectors, vectors.mean(axis=0), sentences=2)
    assert [s.answer_ids[0] for s in summary] == [4, 8] or [s.answer_ids[0] for s in summary] == [
        8,
        4,
    ]


def test_long_answer_is_cut_at_a_sentence_end(models: ModelStore) -> None:
    long = "The restructure was announced on a Friday. " + "We heard nothing after that. " * 12
    summary = _summary(models, {1: long})
    assert len(summary[0].text) <= MAX_CHARS
    assert summary[0].text.endswith(".")


def test_misaligned_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="row-aligned"):
        summarise(["a", "b"], [1], np.zeros((2, 3)), np.zeros(3))


def test_empty_theme_gives_no_sentences() -> None:
    assert summarise([], [], np.zeros((0, 3)), np.zeros(3)) == []
