"""Retraining is reproducible; the estimator follows scikit-learn conventions; the corpus holds."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from service.concerns.features import FEATURE_NAMES, lexical_features
from service.concerns.scorer import ConcernModel, design_matrix
from service.concerns.train import cached_embedder, load_checkins, train
from service.errors import InvalidInput
from service.nlp.embeddings import Embedder


def _tiny(per_level: int = 12):
    data = load_checkins()
    keep = np.zeros(len(data.ids), dtype=bool)
    for split, count in (("train", per_level), ("test", 3)):
        for level in range(4):
            rows = np.flatnonzero((data.split == split) & (data.levels == level))[:count]
            keep[rows] = True
    return data.subset(keep)


def test_same_data_and_seed_give_identical_model(embedder: Embedder) -> None:
    data = _tiny()
    embed = cached_embedder(embedder, None)
    first, first_metrics = train(embed, data, seed=3)
    second, second_metrics = train(embed, data, seed=3)
    test = data.subset(data.split == "test")
    X = design_matrix(embedder.embed(test.texts), test.texts)  # noqa: N806
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    np.testing.assert_array_equal(first.predict_sentiment(X), second.predict_sentiment(X))
    assert first_metrics == second_metrics
    assert first_metrics["train"]["n"] == 48


def test_fit_returns_self_and_learned_state_ends_in_underscore() -> None:
    X = np.random.default_rng(1).normal(size=(20, 4 + len(FEATURE_NAMES)))  # noqa: N806
    model = ConcernModel(C=2.0)
    assert model.fit(X, np.arange(20) % 4) is model
    assert model.get_params()["C"] == 2.0
    assert hasattr(model, "classifier_") and hasattr(model, "lexical_scaler_")


def test_unfitted_model_refuses_to_predict() -> None:
    with pytest.raises(NotFittedError):
        ConcernModel().predict(np.zeros((1, 4 + len(FEATURE_NAMES))))


def test_fit_needs_all_four_levels() -> None:
    X = np.zeros((4, 4 + len(FEATURE_NAMES)))  # noqa: N806
    with pytest.raises(InvalidInput, match="0, 1, 2 and 3"):
        ConcernModel().fit(X, np.array([0, 1, 2, 2]))


def test_design_matrix_rejects_mismatched_rows() -> None:
    with pytest.raises(InvalidInput, match="one embedding row per text"):
        design_matrix(np.zeros((2, 4)), ["only one"])


def test_corpus_is_large_balanced_and_split_without_overlap() -> None:
    data = load_checkins()
    assert len(data.ids) >= 700
    assert min(np.bincount(data.levels, minlength=4)) >= 120
    assert 0.75 <= np.mean(data.split == "train") <= 0.85
    train_texts = {t.lower() for t, s in zip(data.texts, data.split, strict=True) if s == "train"}
    test_texts = {t.lower() for t, s in zip(data.texts, data.split, strict=True) if s == "test"}
    assert not train_texts & test_texts
    assert np.all((data.sentiment >= -1) & (data.sentiment <= 1))


@pytest.mark.parametrize(
    ("text", "feature", "expected"),
    [
        ("Not worried at all about the reorg.", "negated_worry", 1.0),
        ("I'm worried about the reorg.", "negated_worry", 0.0),
        ("Can anyone share a template?", "question", 1.0),
    ],
)
def test_lexical_flags(text: str, feature: str, expected: float) -> None:
    row = lexical_features([text])[0]
    assert row[FEATURE_NAMES.index(feature)] == expected
