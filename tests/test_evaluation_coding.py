"""The coding benchmark's metrics on hand-built answers with results worked out by hand."""

from __future__ import annotations

import pytest

from evaluation.coding_metrics import (
    coding_scores,
    label_problems,
    majority_mapping,
    mapped_codes,
    micro_f1,
    primary_theme,
    stability,
)

# Six answers: their themes and their gold codes. Theme "A" is carried by answers 1-3, whose
# codes count x 2, y 2 (a tie, broken alphabetically: x); theme "B" by answers 3, 4 and 6
# (y 2, x 1: y). Answer 5 has no theme and so predicts "none".
THEMES = [["A"], ["A"], ["A", "B"], ["B"], [], ["B"]]
GOLD = [("x",), ("x", "y"), ("y",), ("y",), ("none",), ("x",)]


def test_majority_mapping_takes_the_most_frequent_code_ties_alphabetical():
    assert majority_mapping(THEMES, GOLD) == {"A": "x", "B": "y"}


def test_an_answer_without_themes_predicts_none():
    predicted = mapped_codes(THEMES, {"A": "x", "B": "y"})
    assert predicted == [
        frozenset({"x"}),
        frozenset({"x"}),
        frozenset({"x", "y"}),
        frozenset({"y"}),
        frozenset({"none"}),
        frozenset({"y"}),
    ]
    assert mapped_codes([[]], {}, empty=None) == [frozenset()]


def test_micro_f1_on_the_hand_built_example():
    # TP: answers 1, 2 (x), 3 (y), 4, 5 = 5; FP: x in 3, y in 6 = 2; FN: y in 2, x in 6 = 2.
    scores = micro_f1(mapped_codes(THEMES, majority_mapping(THEMES, GOLD)), GOLD)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (5, 2, 2)
    assert scores["precision"] == pytest.approx(5 / 7)
    assert scores["recall"] == pytest.approx(5 / 7)
    assert scores["f1"] == pytest.approx(10 / 14)


def test_micro_f1_counts_over_answers_not_per_answer():
    # One perfect answer with three codes and one wrong answer with one code: micro-F1 weighs
    # codes, so it is 2*3 / (2*3 + 1 + 1) = 0.75, not the mean of per-answer F1 (0.5).
    scores = micro_f1([{"a", "b", "c"}, {"x"}], [{"a", "b", "c"}, {"y"}])
    assert scores["f1"] == pytest.approx(0.75)


def test_coding_scores_counts_themes_unassigned_and_multi_theme_answers():
    scores = coding_scores(THEMES, GOLD)
    assert scores["f1"] == pytest.approx(10 / 14)
    assert scores["themes"] == 2
    assert scores["unassigned"] == pytest.approx(1 / 6)
    assert scores["multi_theme"] == pytest.approx(1 / 6)


def test_stability_ignores_theme_ids_but_not_changed_codes():
    renamed = [[{"A": "P", "B": "Q"}[t] for t in themes] for themes in THEMES]
    assert stability(THEMES, renamed, GOLD) == pytest.approx(1.0)
    moved = [*THEMES[:4], ["B"], THEMES[5]]  # answer 5 now has theme B (still y): y, not none
    assert stability(THEMES, moved, GOLD) == pytest.approx(5 / 6)


@pytest.mark.parametrize(("themes", "expected"), [([3, 5, 5], 5), ([3, 5], 3), ([7], 7), ([], -1)])
def test_primary_theme_is_the_most_frequent_then_the_earliest(themes, expected):
    assert primary_theme(themes) == expected


TOKENS = {  # hand-tagged as spaCy would: text, coarse POS, stop word
    "Monday": [("Monday", "PROPN", False)],
    "the": [("the", "DET", True)],
    "42": [("42", "NUM", False)],
    "and of the": [("and", "CCONJ", True), ("of", "ADP", True), ("the", "DET", True)],
    "Budget cuts": [("Budget", "NOUN", False), ("cuts", "NOUN", False)],
    "budget cuts.": [("budget", "NOUN", False), ("cuts", "NOUN", False), (".", "PUNCT", False)],
    "Air and small": [("Air", "NOUN", False), ("and", "CCONJ", True), ("small", "ADJ", False)],
}


def test_label_rule_check():
    labels = list(TOKENS)
    problems = dict(zip(labels, label_problems(labels, TOKENS.__getitem__), strict=True))
    assert problems["Monday"] == ["lone function word/number/weekday"]
    assert problems["the"] == ["lone function word/number/weekday"]
    assert problems["42"] == ["lone function word/number/weekday"]
    assert problems["and of the"] == ["no content word"]
    assert problems["Budget cuts"] == ["duplicate"]
    assert problems["budget cuts."] == ["duplicate"]
    assert problems["Air and small"] == []
