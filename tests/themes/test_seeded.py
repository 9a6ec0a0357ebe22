"""Coding answers against a codebook (service/themes/seeded.py), with the real MiniLM."""

from __future__ import annotations

import numpy as np
import pytest

from service.modelstore import ModelStore
from service.themes.seeded import CodeSeed, SeededCoder, facets

CODEBOOK = [
    CodeSeed(
        "Workload and long hours",
        "Too much work for the time: overtime, evenings and weekends, juggling many requests",
        ("I worked every weekend this month", "The volume of requests is impossible"),
    ),
    CodeSeed(
        "Calendar and scheduling",
        "Diary management: double bookings, moving meetings, time zones",
        ("Three executives double-booked me again", "Moving the board meeting took all day"),
    ),
    CodeSeed("Travel and expenses", "Booking flights and hotels, expense claims"),
]


@pytest.fixture(scope="module")
def coder(models: ModelStore) -> SeededCoder:
    return SeededCoder().fit(CODEBOOK, models.embedder)


def test_facets_split_the_description_into_phrases() -> None:
    assert facets(CODEBOOK[1]) == [
        "Calendar and scheduling",
        "Diary management",
        "double bookings",
        "moving meetings",
        "time zones",
    ]


def test_an_answer_takes_the_code_it_speaks_to(coder: SeededCoder, models: ModelStore) -> None:
    answers = [
        "I keep staying late to finish everything and work most Saturdays.",
        "My boss's diary is a mess of double bookings across time zones.",
        "The expense claim for my hotel in Berlin was rejected twice.",
    ]
    codes = coder.predict(models.embedder.embed(answers))
    assert [found[0] for found in codes] == [0, 1, 2]


def test_an_answer_with_two_topics_takes_both_codes(coder: SeededCoder, models: ModelStore) -> None:
    sentences = [
        "I have been working every evening and weekend to keep up.",
        "Half of that is rescheduling meetings after double bookings.",
    ]
    codes = coder.predict(models.embedder.embed(sentences), groups=[0, 0])
    assert len(codes) == 1
    assert set(codes[0][:2]) == {0, 1}


def test_an_answer_far_from_every_code_fits_none(models: ModelStore) -> None:
    coder = SeededCoder(floor=0.5).fit(CODEBOOK, models.embedder)
    assert coder.predict(models.embedder.embed(["Le chat dort sur le canapé."])) == [()]


def test_groups_pool_units_by_answer_and_cap_the_codes(models: ModelStore) -> None:
    coder = SeededCoder(max_codes=1, margin=1.0, floor=-1.0).fit(CODEBOOK, models.embedder)
    vectors = models.embedder.embed(["overtime again", "double bookings", "hotel claims"])
    found = coder.predict(vectors, groups=[1, 1, 0])
    assert len(found) == 2
    assert all(len(codes) == 1 for codes in found)
    similarity = coder.similarity(vectors)
    assert found[1][0] == int(np.argmax(similarity[:2].max(axis=0)))


def test_unfitted_coder_says_what_to_do() -> None:
    with pytest.raises(RuntimeError, match="fit"):
        SeededCoder().similarity(np.zeros((1, 384), dtype=np.float32))


def test_an_empty_codebook_is_refused(models: ModelStore) -> None:
    with pytest.raises(ValueError, match="at least one code"):
        SeededCoder().fit([], models.embedder)
