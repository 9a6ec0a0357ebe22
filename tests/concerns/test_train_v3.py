"""concerns.logreg.v3's training: Dreaddit read and held out as written, choices on validation.

The sentences of the small corpora here were written for these tests; none comes from Dreaddit's
files or from the blind check-in set's test split.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from service.concerns.answers import agreement, answer_keys, answer_levels, split_answers
from service.concerns.card_v3 import write_card_v3
from service.concerns.scorer import ConcernModel, design_matrix, score_units, unit_probabilities
from service.concerns.train_v2 import FEATURES
from service.concerns.train_v3 import (
    DREADDIT_LEVELS,
    VALIDATION_PERCENT,
    Validation,
    _key,
    dreaddit_validation,
    feasible,
    load_dreaddit_all,
)
from service.config import Settings
from service.nlp.embeddings import Embedder
from service.nlp.pipeline import load_sentence_splitter

STRESSED = [
    "Rent is due Friday, I have forty dollars and my hours got cut again. I can't sleep.",
    "My landlord says we have to be out in two weeks and I have nowhere to go.",
    "I keep waiting for the call from the hospital and every hour feels like a day.",
    "I messed up the payroll run and I'm terrified they'll find out on Monday.",
]
CALM = [
    "We finally planted the tomatoes this weekend and the kids loved it.",
    "Does anyone have a good recipe for banana bread that isn't too sweet?",
    "The new bus route is quicker, it gets me to work ten minutes early.",
    "Just finished a great book about the history of maps, highly recommend.",
]
LEVELED = [
    ("All good this week, nothing to flag.", 0),
    ("Enjoyed the training day.", 0),
    ("A little busy with the audit but fine.", 1),
    ("Slightly behind on filing, catching up.", 1),
    ("I'm worried the restructure will cut my role.", 2),
    ("Waiting to hear about the contract is wearing me down.", 2),
    ("Haven't slept in days, terrified I'll lose my job.", 3),
    ("Lying awake every night dreading the review.", 3),
]


def _dreaddit_folder(tmp_path: Path) -> Path:
    header = "id,text,label,confidence\n"
    rows = [f'{i},"{t}",1,0.6\n' for i, t in enumerate(STRESSED)]
    rows += [f'{10 + i},"{t}",0,1.0\n' for i, t in enumerate(CALM)]
    (tmp_path / "dreaddit-train.csv").write_text(header + "".join(rows), encoding="utf-8")
    (tmp_path / "dreaddit-test.csv").write_text(
        header + f'99,"{STRESSED[0]} Again.",1,0.8\n', encoding="utf-8"
    )
    return tmp_path


def test_dreaddit_rows_are_all_read_whatever_the_confidence(tmp_path: Path) -> None:
    data = load_dreaddit_all(_dreaddit_folder(tmp_path))
    assert len(data.train_texts) == len(STRESSED) + len(CALM)  # v2's loader kept >= 0.8 only
    assert data.train_levels.tolist() == [2] * len(STRESSED) + [0] * len(CALM)
    assert data.test_stressed.tolist() == [1]
    assert DREADDIT_LEVELS == {0: 0, 1: 2}


def test_dreaddit_validation_is_a_fifth_by_text_whatever_the_order() -> None:
    texts = [f"post number {i} about my week" for i in range(2000)]
    held = dreaddit_validation(texts)
    assert abs(held.mean() * 100 - VALIDATION_PERCENT) < 3
    reordered = dreaddit_validation(texts[::-1])[::-1]
    np.testing.assert_array_equal(held, reordered)


def test_an_infeasible_setting_never_beats_a_feasible_one() -> None:
    good = {"kappa": 0.76, "precision": 0.81, "recall": 0.80}
    short_recall = {"kappa": 0.90, "precision": 0.95, "recall": 0.79}
    assert feasible(good) and not feasible(short_recall)
    feasible_row = {"dev": good, "dreaddit_validation_f1": 0.70}
    better_dreaddit = {"dev": short_recall, "dreaddit_validation_f1": 0.85}
    assert _key(feasible_row) > _key(better_dreaddit)


@pytest.fixture(scope="module")
def tiny_model(embedder: Embedder) -> ConcernModel:
    texts = [t for t, _ in LEVELED] + STRESSED + CALM
    levels = [lv for _, lv in LEVELED] + [2] * len(STRESSED) + [0] * len(CALM)
    X = design_matrix(embedder.embed(texts), texts, features=FEATURES)  # noqa: N806
    return ConcernModel(C=1.0, features=FEATURES, lexical_weight=2.0).fit(X, np.array(levels))


def test_the_grid_scores_what_the_production_path_scores(
    embedder: Embedder, settings: Settings, tiny_model: ConcernModel
) -> None:
    nlp = load_sentence_splitter(settings.spacy_model)
    dev = split_answers(
        ["a0", "a2", "a4"],
        [
            "Fine. Nothing new.",
            "The merger vote is next week. Trying not to spiral.",
            "Can't sleep. What if the audit finds my mistake?",
        ],
        [0, 2, 3],
        nlp,
    )
    vectors = embedder.embed(dev.units)
    posts = CALM[:2] + STRESSED[:2]
    validation = Validation.build(
        dev,
        vectors,
        (design_matrix(embedder.embed(posts), posts, features=FEATURES), np.array([0, 0, 1, 1])),
    )
    rows = validation.figures(tiny_model)
    assert len({(r["context_weight"], r["thresholds"]) for r in rows}) == len(rows) > 100
    for row in (rows[0], rows[len(rows) // 2], rows[-1]):
        tiny_model.set_params(context_weight=row["context_weight"], thresholds=row["thresholds"])
        scores = score_units(tiny_model, dev.units, vectors, answers=answer_keys(dev.owners))
        levels = answer_levels([s.level for s in scores], dev.owners, len(dev.ids))
        assert agreement(dev.levels, levels) == row["dev"]


def test_unit_probabilities_mix_in_the_answer_only_with_keys(
    embedder: Embedder, tiny_model: ConcernModel
) -> None:
    units = ["The merger vote is next week.", "Trying not to spiral."]
    vectors = embedder.embed(units)
    X = design_matrix(vectors, units, features=FEATURES)  # noqa: N806
    tiny_model.set_params(context_weight=0.5)
    alone = unit_probabilities(tiny_model, X, vectors, units)
    read_together = unit_probabilities(tiny_model, X, vectors, units, answers=["a", "a"])
    np.testing.assert_allclose(alone, tiny_model.predict_proba(X))
    assert not np.allclose(alone, read_together)
    np.testing.assert_allclose(read_together.sum(axis=1), 1.0)


def _metrics() -> dict:
    dev = {"n": 10, "kappa": 0.8, "exact": 0.7, "precision": 0.85, "recall": 0.82}
    row = {
        "weights": {"dreaddit": 0.3},
        "C": 1.0,
        "context_weight": 0.25,
        "thresholds": [0.5, 0.4, 0.5],
        "feasible": True,
        "dreaddit_validation_f1": 0.8,
        "dev": dev,
    }
    return {
        "version": "concerns.logreg.v3",
        "params": {"C": 1.0},
        "source_weights": {"dreaddit": 0.3},
        "train": {"own": 682, "dreaddit": 2838},
        "corpus_sha256": "0" * 64,
        "selection": {
            "min_dev": {"kappa": 0.75, "precision": 0.8, "recall": 0.8},
            "dreaddit_validation_rows": 594,
            "chosen": row,
            "best_per_fit": [row],
        },
        "dev": {"with_answers": dev, "without_answers": dev},
        "dreaddit_validation_f1_after_refit": 0.83,
        "held_back": {"own": {"n": 170, "macro_f1": 0.8, "worry_f1": 0.9}},
    }


def test_card_states_licence_mapping_and_test_figures_of_its_own_version(tmp_path: Path) -> None:
    test_row = {"n": 232, "kappa": 0.7, "exact": 0.6, "precision": 0.8, "recall": 0.76}
    report = {
        "model": "concerns.logreg.v3",
        "seconds": 1.0,
        "blind": {"test": {"rows": {"concerns.logreg.v3, with answer keys": test_row}}},
        "dreaddit": {
            "n_test": 715,
            "results": {"PeerPulse production scorer v3, trained (level >= 2)": {"f1": 0.8}},
        },
    }
    card = write_card_v3(tmp_path / "card.md", _metrics(), report=report).read_text()
    assert "no licence stated" in card and "stressed -> 2, not stressed -> 0" in card
    assert "kappa 0.700" in card and "F1 of the stressed class" in card
    v2_only = {"concerns.logreg.v2, with answer keys": test_row}
    other = write_card_v3(
        tmp_path / "c2.md", _metrics(), report={**report, "blind": {"test": {"rows": v2_only}}}
    )
    assert "Not yet measured" in other.read_text()
    assert json.dumps({"dreaddit": 0.3}) in card
