"""Public corpora mapped to 0-3, the blind set's splits, and v1 files under the v2 code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from service.concerns.answers import load_blind
from service.concerns.features import FEATURE_NAMES_V2
from service.concerns.scorer import ROOT, ConcernModel, design_matrix, load_model
from service.concerns.sources import RWWD_LEVELS, _goemotions_level
from service.config import Settings
from service.errors import InvalidInput
from service.nlp.embeddings import Embedder
from service.nlp.pipeline import load_sentence_splitter

V1 = ROOT / "models" / "concerns" / "v1" / "model.skops"


def test_rwwd_mapping_covers_every_rating_and_never_goes_down() -> None:
    assert sorted(RWWD_LEVELS) == list(range(1, 10))
    values = [RWWD_LEVELS[k] for k in range(1, 10)]
    assert values == sorted(values) and values[0] == 0 and values[-1] == 3


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ({19}, 2),  # nervousness
        ({14}, 2),  # fear
        ({14, 19}, 3),
        ({2, 3}, 0),  # anger and annoyance only: negativity, not worry
        ({2, 14}, 2),  # anger with fear is worry
        ({17}, None),  # joy: not used
        ({25}, None),  # sadness: neither worry nor a clean negative
    ],
)
def test_goemotions_mapping(ids: set[int], expected: int | None) -> None:
    assert _goemotions_level(ids, "key") == expected


def test_blind_splits_follow_the_last_digit(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_text(
        "id,source,text,level,worry_word\n"
        "wc010,survey,Fine. All good.,0,no\n"
        "wc011,survey,Lying awake. Every night.,3,no\n"
        "wc012,survey,n/a,0,no\n",
        encoding="utf-8",
    )
    nlp = load_sentence_splitter(Settings().spacy_model)
    dev, test = load_blind("dev", nlp, path), load_blind("test", nlp, path)
    assert dev.ids == ["wc010", "wc012"] and test.ids == ["wc011"]
    assert dev.owners.tolist() == [0] * len(dev.units)  # the non-answer has no unit
    with pytest.raises(InvalidInput, match="dev"):
        load_blind("train", nlp, path)


def test_v1_file_loads_with_the_median_rule(embedder: Embedder) -> None:
    model = load_model(V1)
    assert model.version == "concerns.logreg.v1"
    assert model.features == "v1" and model.thresholds == (0.5, 0.5, 0.5)
    texts = ["I haven't slept in days, terrified I'll lose my job", "Booked lunch."]
    X = design_matrix(embedder.embed(texts), texts)  # noqa: N806
    median = (1 - np.cumsum(model.predict_proba(X), axis=1)[:, :-1] >= 0.5).sum(axis=1)
    np.testing.assert_array_equal(model.predict(X), median)


def test_cut_points_pick_the_highest_level_reached() -> None:
    model = ConcernModel(thresholds=(0.6, 0.3, 0.4))
    probabilities = np.array([[0.5, 0.1, 0.2, 0.2], [0.2, 0.3, 0.1, 0.4], [0.8, 0.1, 0.1, 0.0]])
    assert model.levels_from_proba(probabilities).tolist() == [2, 3, 0]


def test_public_rows_without_sentiment_train_only_the_level_head() -> None:
    """Public rows have no sentiment (NaN): the level head weighs them, the ridge skips them."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 6 + len(FEATURE_NAMES_V2)))  # noqa: N806
    y = np.arange(40) % 4
    sentiment = np.concatenate([rng.uniform(-1, 1, 30), np.full(10, np.nan)])
    light = ConcernModel(features="v2").fit(
        X, y, sentiment=sentiment, sample_weight=np.r_[np.ones(30), np.full(10, 0.1)]
    )
    heavy = ConcernModel(features="v2").fit(
        X, y, sentiment=sentiment, sample_weight=np.r_[np.ones(30), np.full(10, 3.0)]
    )
    predicted = light.predict_sentiment(X)
    assert np.all(np.isfinite(predicted)) and np.all(np.abs(predicted) <= 1)
    np.testing.assert_allclose(predicted, heavy.predict_sentiment(X))
    assert not np.allclose(light.predict_proba(X), heavy.predict_proba(X))
