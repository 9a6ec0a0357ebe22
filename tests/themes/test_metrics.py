"""Evaluation metrics against hand-computed values."""

from __future__ import annotations

import math

import pytest

from evaluation.metrics import NpmiScorer, clustering_scores, hungarian_accuracy, topic_diversity


def test_hungarian_accuracy_maps_clusters_one_to_one() -> None:
    assert hungarian_accuracy([0, 0, 1, 1, 2, 2], [5, 5, 7, 7, 7, 9]) == pytest.approx(5 / 6)
    assert hungarian_accuracy([0, 0, 0, 0], [1, 1, 2, 2]) == pytest.approx(0.5)


def test_clustering_scores_count_unassigned() -> None:
    scores = clustering_scores([0, 0, 1, 1], [0, 0, 1, -1])
    assert scores["clusters"] == 2 and scores["unassigned"] == 0.25
    assert clustering_scores([0, 0, 1, 1], [1, 1, 0, 0])["nmi"] == pytest.approx(1.0)


def test_topic_diversity_uses_top_k() -> None:
    assert topic_diversity([["a", "b", "c"], ["a", "d", "e"]], topk=2) == pytest.approx(3 / 4)


def test_npmi_matches_a_hand_computation() -> None:
    docs = [["a", "b"], ["a", "b"], ["a", "c"], ["c", "d"]]  # shorter than the window: one each
    scorer = NpmiScorer(docs, window_size=10)
    p_ab, p_a, p_b = 2 / 4, 3 / 4, 2 / 4
    expected = math.log((p_ab + 1e-12) / (p_a * p_b)) / -math.log(p_ab + 1e-12)
    assert scorer.score([["a", "b"]]) == pytest.approx(expected)
    assert scorer.score([["b", "d"]]) == pytest.approx(
        math.log(1e-12 / (2 / 4 * 1 / 4)) / -math.log(1e-12)
    )


def test_npmi_sliding_windows_count_as_virtual_documents() -> None:
    scorer = NpmiScorer([["a", "x", "b", "y"]], window_size=2)
    # windows: {a,x} {x,b} {b,y}; a and b never share one
    assert scorer.score([["a", "b"]]) == pytest.approx(
        math.log(1e-12 / (1 / 3 * 2 / 3)) / -math.log(1e-12)
    )
    assert scorer.score([["a", "x"]]) == pytest.approx(
        math.log((1 / 3 + 1e-12) / (1 / 3 * 2 / 3)) / -math.log(1 / 3 + 1e-12)
    )
