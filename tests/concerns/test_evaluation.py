"""``python -m evaluation concerns --dataset FILE --predictions OUT`` and the lexicon baselines."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from evaluation.suites.concerns import lexicon_level, score_csv, vader_level
from service.concerns.scorer import EmbeddingConcernScorer


def test_scores_any_csv_with_a_text_column(tmp_path: Path, scorer: EmbeddingConcernScorer) -> None:
    dataset = tmp_path / "in.csv"
    dataset.write_text(
        "id,text\n1,the coffee machine is broken again\n"
        "2,\"I haven't slept in days, terrified I'll lose my job\"\n3,\n",
        encoding="utf-8",
    )
    out = score_csv(dataset, tmp_path / "out" / "pred.csv", scorer)
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["row"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["concern"] == "0" and rows[1]["concern"] == "3"
    assert float(rows[1]["sentiment"]) < 0


def test_csv_without_text_column_is_refused(tmp_path: Path, scorer: EmbeddingConcernScorer) -> None:
    dataset = tmp_path / "in.csv"
    dataset.write_text("id,comment\n1,hello\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no 'text' column"):
        score_csv(dataset, tmp_path / "pred.csv", scorer)


def test_baselines_map_to_levels() -> None:
    np.testing.assert_array_equal(vader_level(np.array([0.5, -0.1, -0.4, -0.9])), [0, 1, 2, 3])
    assert lexicon_level(
        ["all good", "a bit busy", "I'm worried", "terrified, can't sleep"]
    ).tolist() == [0, 1, 2, 3]
