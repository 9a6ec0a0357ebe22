"""Models are stored with skops and loaded only when every type in the file is trusted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from service.concerns.features import FEATURE_NAMES
from service.concerns.scorer import ConcernModel, load_model, save_model
from service.errors import ModelUnavailable


class Smuggled(BaseEstimator):
    """A type no model file may contain."""

    def __init__(self, payload: str = "rm -rf /") -> None:
        self.payload = payload


def _tiny_model() -> tuple[ConcernModel, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 8 + len(FEATURE_NAMES)))  # noqa: N806
    y = np.arange(40) % 4
    return ConcernModel(version="concerns.test.v0").fit(X, y, sentiment=rng.uniform(-1, 1, 40)), X


def test_round_trip_keeps_predictions(tmp_path: Path) -> None:
    model, X = _tiny_model()  # noqa: N806
    loaded = load_model(save_model(model, tmp_path / "model.skops"))
    assert loaded.version == "concerns.test.v0"
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict_sentiment(X), model.predict_sentiment(X))


def test_file_is_skops_not_pickle(tmp_path: Path) -> None:
    model, _ = _tiny_model()
    path = save_model(model, tmp_path / "model.skops")
    assert path.read_bytes()[:2] == b"PK"  # a zip archive with a JSON schema inside


def test_refuses_untrusted_types(tmp_path: Path) -> None:
    model, _ = _tiny_model()
    model.smuggled_ = Smuggled()
    path = tmp_path / "evil.skops"
    sio.dump(model, path)
    with pytest.raises(ModelUnavailable, match="not trusted: .*Smuggled"):
        load_model(path)


def test_refuses_a_file_that_holds_another_estimator(tmp_path: Path) -> None:
    path = tmp_path / "logreg.skops"
    sio.dump(LogisticRegression().fit([[0.0], [1.0]], [0, 1]), path)
    with pytest.raises(ModelUnavailable, match="does not hold a ConcernModel"):
        load_model(path)


def test_refuses_a_pickle(tmp_path: Path) -> None:
    path = tmp_path / "model.skops"
    path.write_bytes(b"\x80\x04\x95not a skops archive")
    with pytest.raises(ModelUnavailable, match="not a readable skops file"):
        load_model(path)


def test_missing_file_says_how_to_retrain(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable) as info:
        load_model(tmp_path / "absent.skops")
    assert "service.concerns.train" in (info.value.hint or "")
