"""Readiness signals: barriers against progress, each explained by the phrase that triggered it."""

from __future__ import annotations

import pytest

from service.goals.readiness import classify


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("We have no budget for a quality lead this year.", "no budget"),
        ("Honestly there is no time to think about it.", "no time"),
        ("We haven't started on the quality plan yet.", "haven't started"),
        ("We don't have the resources to run it.", "don't have the resources"),
        ("I had one 45-minute webinar before go-live.", "one 45-minute webinar"),
        ("Nobody asked if I had time to be the helpdesk.", "nobody asked"),
        ("Ticket open for 8 days.", "ticket open"),
    ],
)
def test_barriers_are_found_with_their_phrase(text: str, phrase: str) -> None:
    signal = classify(text)
    assert signal.kind == "barrier"
    assert signal.phrase == phrase


@pytest.mark.parametrize(
    "text",
    [
        "We ran our first PDSA cycle and hand hygiene improved.",
        "Copilot licence finally approved for our team!",
        "Finance fixed the delegation bug in the expense system.",
        "What worked for me was a shared colour-coded calendar.",
        "Small win: the board approved two new nursing posts.",
    ],
)
def test_progress_is_found(text: str) -> None:
    assert classify(text).kind == "progress"


@pytest.mark.parametrize(
    "text",
    [
        "The offsite is in two weeks.",
        "I support three executives.",
        "Month-end close is next week.",
    ],
)
def test_plain_statements_carry_no_signal(text: str) -> None:
    assert classify(text).kind == "none"


def test_the_later_signal_wins() -> None:
    assert classify("We tried but the vendor never delivered the module.").kind == "barrier"
    assert classify("No budget at first, but we finally got the plan approved.").kind == "progress"


def test_a_failure_is_not_read_as_progress() -> None:
    assert classify("Nothing has worked for us so far.").kind != "progress"
