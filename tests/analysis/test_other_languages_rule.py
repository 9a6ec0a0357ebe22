"""How many answers in other languages a report may show: counted by the people who wrote them."""

from __future__ import annotations

from service.analysis.themes import shown_languages


def test_one_member_writing_many_answers_in_german_shows_nothing() -> None:
    """Regression: five answers from one German speaker read {"answers": 5, "de": 5}."""
    assert shown_languages({"de": 5}, {"de": 1}, 1, 5) == {"answers": None, "languages": {}}


def test_a_language_under_the_minimum_hides_the_breakdown_not_the_total() -> None:
    """With de by 5 people and fr by 1, showing de would give fr as the total less de."""
    shown = shown_languages({"de": 7, "fr": 1}, {"de": 5, "fr": 1}, 6, 5)
    assert shown == {"answers": 8, "languages": {}}


def test_every_language_with_enough_writers_is_shown() -> None:
    shown = shown_languages({"de": 7, "fr": 6}, {"de": 5, "fr": 5}, 10, 5)
    assert shown == {"answers": 13, "languages": {"de": 7, "fr": 6}}
