"""The shipped concern model on clear cases, sentiment and negativity that is not worry."""

from __future__ import annotations

import numpy as np
import pytest

from service.concerns.scorer import (
    DEFAULT_MODEL_PATH,
    ConcernModel,
    ConcernScorer,
    EmbeddingConcernScorer,
    load_model,
)

SEVERE = "I haven't slept in days, terrified I'll lose my job"
MILD = "Slightly unsure how the new booking tool handles recurring rooms, hoping it's fine"
NONE = "the coffee machine is broken again"

# Written for these tests, not taken from corpora/concerns: negative, but no worry.
NEGATIVE_NOT_WORRY = [
    "Absolutely livid that the canteen stopped doing hot breakfasts.",
    "The quarterly newsletter is dull and far too long.",
    "So sad that our lovely cleaner Maria is retiring next month.",
    "That vendor webinar was the worst hour of my week.",
    "Hate the colour they painted the meeting rooms.",
    "Parking attendants gave me a ticket for being two minutes over. Ridiculous.",
    "Really disappointed nobody turned up to the book club.",
    "The new badge photos make everyone look awful, lol.",
]


def test_shipped_model_is_a_versioned_skops_file_under_5_mb() -> None:
    model = load_model()
    assert isinstance(model, ConcernModel)
    assert model.version == "concerns.logreg.v2"
    assert DEFAULT_MODEL_PATH.stat().st_size < 5 * 1024 * 1024


def test_scorer_satisfies_the_protocol(scorer: EmbeddingConcernScorer) -> None:
    assert isinstance(scorer, ConcernScorer)
    assert scorer.name == "concerns.logreg.v2"


def test_separates_severe_mild_and_none(scorer: EmbeddingConcernScorer) -> None:
    severe, mild, none = scorer.score([SEVERE, MILD, NONE])
    assert severe.level == 3
    assert mild.level == 1
    assert none.level == 0
    assert severe.probability > mild.probability > none.probability
    assert severe.probability > 0.9
    assert none.probability < 0.1


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("Had a brilliant week, the offsite went perfectly and my exec thanked me.", 1),
        ("Passed my certification exam, so happy!", 1),
        ("I'm exhausted and miserable, everything is going wrong at work.", -1),
        ("The printer jammed again and ruined the board papers. Furious.", -1),
    ],
)
def test_sentiment_has_the_right_sign(scorer: EmbeddingConcernScorer, text: str, sign: int) -> None:
    (score,) = scorer.score([text])
    assert np.sign(score.sentiment) == sign
    assert -1.0 <= score.sentiment <= 1.0


def test_negativity_alone_is_not_scored_as_worry(scorer: EmbeddingConcernScorer) -> None:
    scores = scorer.score(NEGATIVE_NOT_WORRY)
    worried = [t for t, s in zip(NEGATIVE_NOT_WORRY, scores, strict=True) if s.level >= 2]
    assert len(worried) <= 1, worried
    assert np.mean([s.sentiment for s in scores]) < -0.15
    assert max(s.probability for s in scores) < 0.6


def test_level_two_or_more_exactly_when_probability_reaches_the_level_two_cut(
    scorer: EmbeddingConcernScorer,
) -> None:
    texts = [
        SEVERE,
        MILD,
        NONE,
        *NEGATIVE_NOT_WORRY,
        "Worried the reorg will cut my role",
        "A bit nervous about Thursday's go-live",
    ]
    cut = scorer.model.thresholds[1]
    for score in scorer.score(texts):
        assert (score.level >= 2) == (score.probability >= cut)


def test_score_embedded_reuses_cached_vectors(scorer: EmbeddingConcernScorer) -> None:
    texts = [SEVERE, NONE]
    direct = scorer.score(texts)
    cached = scorer.score_embedded(texts, scorer.embedder.embed(texts))
    assert [s.level for s in direct] == [s.level for s in cached]
    assert np.allclose([s.probability for s in direct], [s.probability for s in cached])


def test_empty_input_gives_no_scores(scorer: EmbeddingConcernScorer) -> None:
    assert scorer.score([]) == []
