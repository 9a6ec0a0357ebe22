"""Worry as people write it (issue 23): sleep, spirals, what-ifs, waiting, read with the answer.

Every sentence here was written for these tests; none is taken from the blind check-in set's test
split (``corpora/worry_checkins``, odd ids) or from ``corpora/concerns``.
"""

from __future__ import annotations

import numpy as np
import pytest

from service.concerns.answers import agreement, answer_levels
from service.concerns.features import FEATURE_NAMES_V2, lexical_features_v2
from service.concerns.scorer import EmbeddingConcernScorer

KNOWN_MISS = pytest.mark.xfail(strict=True, reason="concerns.logreg.v2 still scores this below 2")
WORRIED_WITHOUT_A_WORRY_WORD = [
    "Haven't slept properly since the announcement",
    pytest.param("Up at 3am again going through the seating plan for the gala.", marks=KNOWN_MISS),
    "What if they decide the department only needs one assistant?",
    "Waiting to hear whether my post survives the merger.",
    pytest.param(
        "My fixed-term contract runs out in June and there's been silence about renewing it.",
        marks=KNOWN_MISS,
    ),
    "Can't stop going over the email I sent the chair by mistake.",
]
GRIPES = [
    "The coffee machine is broken again",
    "The lift on the east side is out of order, so it's stairs for everyone.",
    "Our team lunch got cancelled for the second month running, boo.",
]


@pytest.mark.parametrize("text", WORRIED_WITHOUT_A_WORRY_WORD)
def test_worry_without_a_worry_word_is_level_two_or_more(
    scorer: EmbeddingConcernScorer, text: str
) -> None:
    (score,) = scorer.score([text])
    assert score.level >= 2, (text, score)


@pytest.mark.parametrize("text", GRIPES)
def test_a_gripe_is_not_worry(scorer: EmbeddingConcernScorer, text: str) -> None:
    (score,) = scorer.score([text])
    assert score.level < 2, (text, score)


def test_trying_not_to_spiral_in_a_worried_answer_is_worry(
    scorer: EmbeddingConcernScorer,
) -> None:
    units = [
        "The restructure consultation starts Monday and my role is on the list.",
        "Trying not to spiral.",
    ]
    in_answer = scorer.score(units, answers=["a1", "a1"])
    assert [s.level >= 2 for s in in_answer] == [True, True]


def test_a_fragment_takes_its_answers_context(scorer: EmbeddingConcernScorer) -> None:
    fragment = "Every night this week."
    worried = ["I lie awake going over the redundancy list.", fragment]
    calm = ["Went to the gym after work and loved the new class.", fragment]
    scores = scorer.score([*worried, *calm], answers=["w", "w", "c", "c"])
    (alone,) = scorer.score([fragment])
    assert scores[1].probability > alone.probability > scores[3].probability
    assert scores[3].level < 2


def test_answers_keep_units_apart(scorer: EmbeddingConcernScorer) -> None:
    """A calm answer scored beside a worried one is not pulled up by it."""
    texts = ["Haven't slept properly since the announcement", "Booked the team lunch for Friday."]
    scores = scorer.score(texts, answers=["worried", "calm"])
    assert scores[0].level >= 2 and scores[1].level == 0


def test_without_answers_each_text_stands_alone(scorer: EmbeddingConcernScorer) -> None:
    texts = ["Haven't slept properly since the announcement", "Trying not to spiral."]
    alone = scorer.score(texts)
    one_each = scorer.score(texts, answers=[1, 2])
    assert [s.level for s in alone] == [s.level for s in one_each]
    assert np.allclose([s.probability for s in alone], [s.probability for s in one_each])


def test_level_two_or_more_exactly_when_probability_reaches_the_cut(
    scorer: EmbeddingConcernScorer,
) -> None:
    cut = scorer.model.thresholds[1]
    worried = [t if isinstance(t, str) else t.values[0] for t in WORRIED_WITHOUT_A_WORRY_WORD]
    texts = [*worried, *GRIPES, "A bit nervous about Thursday's go-live"]
    for score in scorer.score(texts, answers=list(range(len(texts)))):
        assert (score.level >= 2) == (score.probability >= cut)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Haven't slept properly since the announcement", "cue_sleep_loss"),
        ("Trying not to spiral", "cue_rumination"),
        ("what if I sent it to the wrong list", "cue_what_if"),
        ("Still waiting to hear about the restructure", "cue_waiting"),
        ("My contract ends in May", "cue_job_insecurity"),
        ("Completely swamped, three execs and one of me", "cue_overwhelmed"),
        ("Scared I'll be blamed for the mix-up", "cue_mistakes_exposure"),
        ("Dreading Sunday evenings", "cue_dread"),
        ("My toddler keeps me up", "cue_literal_sleep"),
        ("It went fine in the end, phew", "cue_resolved"),
    ],
)
def test_cue_families_fire(text: str, cue: str) -> None:
    row = lexical_features_v2([text])[0]
    assert row[FEATURE_NAMES_V2.index(cue)] >= 1


def test_cues_stay_quiet_on_a_plain_update() -> None:
    row = lexical_features_v2(["Booked the team lunch for Friday."])[0]
    cues = [i for i, name in enumerate(FEATURE_NAMES_V2) if name.startswith("cue_")]
    assert not row[cues].any()


def test_answer_level_is_its_most_worried_unit() -> None:
    levels = answer_levels([0, 3, 1, 2, 0], np.array([0, 0, 1, 1, 3]), 4)
    assert levels.tolist() == [3, 2, 0, 0]


def test_agreement_figures() -> None:
    figures = agreement(np.array([0, 1, 2, 3, 2]), np.array([0, 1, 2, 3, 1]))
    assert figures["exact"] == pytest.approx(0.8)
    assert figures["precision"] == 1.0
    assert figures["recall"] == pytest.approx(2 / 3)
    assert 0.8 < figures["kappa"] < 1.0
