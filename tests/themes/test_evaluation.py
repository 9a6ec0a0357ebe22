"""The evaluation suites fit the production theme model (build_theme_model), on tiny input."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import normalized_mutual_info_score

from evaluation.__main__ import main
from evaluation.suites import agenda
from evaluation.suites import themes as themes_suite
from service.modelstore import ModelStore
from service.themes.labels import Lexicon
from tests.themes.workplace import LABELS, SENTENCES


@pytest.fixture
def eval_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lexicon: Lexicon
) -> Iterator[Path]:
    """The suite's data directory (embedding cache) in ``tmp_path``; its environment restored.

    The suite's model store gets the session's lexicon instead of loading its own.
    """
    monkeypatch.setenv("PEERPULSE_DATA_DIR", str(tmp_path))
    for name, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache"),
    }.items():
        monkeypatch.setenv(name, os.environ.get(name, value))
    themes_suite.model_store.cache_clear()
    themes_suite.model_store().put("theme_lexicon", lexicon)
    yield tmp_path
    themes_suite.model_store.cache_clear()


def test_the_themes_suite_model_is_build_theme_model(eval_data_dir: Path) -> None:
    params = themes_suite.our_model(4, 7, ngram_range=(1, 1)).get_params()
    assert params["clusterer__n_clusters"] == 4
    assert params["random_state"] == params["clusterer__random_state"] == 7
    assert params["representation__ngram_range"] == (1, 1)
    assert themes_suite.model_store().settings.data_dir == eval_data_dir


def test_the_themes_suite_runs_on_a_tiny_csv(
    eval_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset, predictions = eval_data_dir / "tiny.csv", eval_data_dir / "predictions.csv"
    pd.DataFrame({"text": [*SENTENCES, "n/a"], "label": [*LABELS, None]}).to_csv(
        dataset, index=False
    )
    assert main(["themes", "--dataset", str(dataset), "--predictions", str(predictions)]) == 0
    output = capsys.readouterr().out
    summary = json.loads(output[: output.rindex("}") + 1])
    assert summary["rows"] == 61 and summary["non_answers"] == 1 and summary["themes"] >= 3
    assert summary["nmi"] >= 0.6
    themes = pd.read_csv(predictions).theme.tolist()
    assert len(themes) == 61 and themes[-1] == -1
    assert normalized_mutual_info_score(LABELS, themes[:60]) == pytest.approx(summary["nmi"])


def test_the_agenda_suite_fits_the_production_model(
    models: ModelStore, workplace_embeddings: np.ndarray
) -> None:
    units = [{"text": text} for text in SENTENCES]
    result = agenda.model_result(units, workplace_embeddings, models)
    assert result.params["random_state"] == 42
    assert len(result.themes) >= 3
    assert normalized_mutual_info_score(LABELS, result.assignments) >= 0.6
