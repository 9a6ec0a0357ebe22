"""Lemmas, the vectorizer's analyzer and readable labels."""

from __future__ import annotations

import pytest

from service.themes.labels import (
    UNIT_BOUNDARY,
    LemmaAnalyzer,
    distinct_labels,
    lemma_vectorizer,
    make_label,
)


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("meetings", "meeting"),
        ("bookings", "booking"),
        ("costs", "cost"),
        ("receipts", "receipt"),
        ("struggled", "struggle"),
        ("was", "be"),
        ("studies", "study"),
        ("classes", "class"),
        ("physics", "physics"),
        ("mentees", "mentee"),
        ("onboarding", "onboarding"),
    ],
)
def test_lexicon_lemmas(lexicon, word: str, lemma: str) -> None:
    assert lexicon.lemma(word) == lemma


def test_analyzer_drops_stop_words_and_placeholders_and_keeps_phrases(lexicon) -> None:
    grams = LemmaAnalyzer(lexicon)("[PERSON] said the calendar conflicts cause double bookings")
    assert "person" not in grams and "the" not in grams
    assert {"calendar conflict", "double booking", "calendar", "booking"} <= set(grams)


def test_no_phrase_spans_two_units(lexicon) -> None:
    text = f"Rooms are double booked{UNIT_BOUNDARY} Calendar invites arrive late{UNIT_BOUNDARY}"
    grams = LemmaAnalyzer(lexicon)(text)
    assert "booked calendar" not in grams and "book calendar" not in grams
    assert "calendar invite" in grams


def test_vectorizer_builds_a_vocabulary(lexicon) -> None:
    vectorizer = lemma_vectorizer(lexicon).fit(["Double bookings again", "double booking"])
    assert "double booking" in vectorizer.get_feature_names_out()


def test_label_uses_phrases_as_written(lexicon) -> None:
    texts = [
        "We had calendar conflicts again and two double bookings.",
        "Double bookings of the meeting room keep happening.",
        "Calendar conflicts with the team sync.",
    ]
    keywords = ["calendar conflict", "double booking", "calendar", "booking", "room"]
    assert make_label(keywords, texts, lexicon) == "Calendar conflicts and double bookings"


def test_label_skips_phrases_that_never_occur_together(lexicon) -> None:
    texts = ["The expense claim was late.", "My claim for travel expenses was rejected."]
    label = make_label(["expense travel", "expense", "claim"], texts, lexicon)
    assert label == "Expense and claim"


def test_distinct_labels_disambiguates_repeats() -> None:
    labels = distinct_labels(
        ["Meetings", "Meetings", "Expenses"],
        [["meeting", "agenda"], ["meeting", "room"], ["expense"]],
    )
    assert labels == ["Meetings (agenda)", "Meetings (room)", "Expenses"]
