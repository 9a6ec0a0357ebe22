"""concerns.logreg.v3 (shipped beside the default v2): trained with Dreaddit train, chosen on
validation data only.

The posts here were written for these tests; none comes from Dreaddit or the blind set.
"""

from __future__ import annotations

import json

import pytest

from service.concerns.scorer import EmbeddingConcernScorer, load_scorer
from service.concerns.train_v3 import (
    DEFAULT_OUT,
    MIN_DEV_KAPPA,
    MIN_DEV_PRECISION,
    MIN_DEV_RECALL,
)
from service.nlp.embeddings import Embedder

METRICS = json.loads((DEFAULT_OUT / "metrics.json").read_text(encoding="utf-8"))

STRESS_TOLD_AT_LENGTH = [
    "My partner lost his job in March and we've been living off my paycheck since. The car "
    "needs new brakes and I have no idea where that money comes from.",
    "Three weeks until my thesis is due and my advisor hasn't answered an email since October. "
    "Every morning I open my inbox with my stomach in knots.",
    "I had a panic attack in the grocery store yesterday. I just had to leave my cart and go "
    "sit in the car.",
]
CALM_POSTS = [
    "We adopted a rescue dog last month and he's settling in really well. He loves the park "
    "down the road and already knows sit and stay.",
    "Our book club picked a fantasy novel this month and I'm halfway through. The world "
    "building is great though the middle drags a little.",
]


@pytest.fixture(scope="module")
def v3(embedder: Embedder) -> EmbeddingConcernScorer:
    """The v3 skops file, loaded with the same trusted types as the default."""
    return load_scorer(DEFAULT_OUT / "model.skops", embedder=embedder)


def test_v3_is_trained_with_every_row_of_dreaddit_train(v3: EmbeddingConcernScorer) -> None:
    assert v3.name == METRICS["version"] == "concerns.logreg.v3"
    assert METRICS["source_weights"].get("dreaddit", 0) > 0
    assert METRICS["train"]["dreaddit"] > 2000  # every row of dreaddit-train.csv


def test_choice_kept_the_dev_margins() -> None:
    chosen = METRICS["selection"]["chosen"]
    assert chosen["feasible"]
    assert chosen["dev"]["kappa"] >= MIN_DEV_KAPPA
    assert chosen["dev"]["precision"] >= MIN_DEV_PRECISION
    assert chosen["dev"]["recall"] >= MIN_DEV_RECALL


@pytest.mark.parametrize("text", STRESS_TOLD_AT_LENGTH)
def test_stress_told_at_length_is_worry(v3: EmbeddingConcernScorer, text: str) -> None:
    (score,) = v3.score([text])
    assert score.level >= 2, score


@pytest.mark.parametrize("text", CALM_POSTS)
def test_a_calm_post_is_not_worry(v3: EmbeddingConcernScorer, text: str) -> None:
    (score,) = v3.score([text])
    assert score.level < 2, score
