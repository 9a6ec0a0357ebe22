"""Explicit requests: topic questions, free-text requests and option-to-theme matching."""

from __future__ import annotations

import pytest

from service.agenda.requests import (
    is_request,
    is_request_question,
    match_option,
    recent_weeks,
    requesters,
)
from service.agenda.schemas import ChoiceAnswer, ThemeView, UnitView

THEMES = [
    ThemeView(
        1, "Calendar conflicts and double bookings", ("calendar", "double booking", "executive")
    ),
    ThemeView(2, "AI assistants", ("ai", "copilot", "chatgpt")),
    ThemeView(3, "Expense system rollout", ("expense", "receipt", "erp")),
    ThemeView(4, "Leadership offsite", ("offsite", "venue", "event", "executive")),
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which topics would you like to discuss at the next session?", True),
        ("What should we cover in future sessions?", True),
        ("Which department do you support?", False),
        ("How satisfied were you with the last session? (1-5)", False),
    ],
)
def test_topic_questions(question: str, expected: bool) -> None:
    assert is_request_question(question) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'd love a session on managing multiple executives", True),
        ("Could we discuss the reorg next time?", True),
        ("Asked for a session on managing multiple executives.", True),
        ("It would be great to hear how others handle travel approvals", True),
        ("Next session should cover Copilot", True),
        ("I would like to talk about burnout", True),
        ("My calendar is double booked again", False),
        ("I'd like to leave early on Fridays", False),
        ("Going to need that colour-coded calendar trick from the group!", False),
    ],
)
def test_free_text_requests(text: str, expected: bool) -> None:
    assert is_request(text) is expected


@pytest.mark.parametrize(
    ("option", "theme_id"),
    [
        ("Calendar management", 1),
        ("AI tools", 2),
        ("Expense system", 3),
        ("Events and offsites", 4),
        ("Managing multiple executives", None),
        ("Travel policy", None),
    ],
)
def test_options_match_the_theme_with_their_distinctive_words(
    option: str, theme_id: int | None
) -> None:
    assert match_option(option, THEMES) == theme_id


def test_each_member_counts_once_and_old_answers_do_not() -> None:
    question = "Which topics would you like to discuss at the next session?"
    answers = [
        ChoiceAnswer(1, question, ("AI tools", "AI tools"), "2026-W41"),
        ChoiceAnswer(1, question, ("AI tools",), "2026-W40"),
        ChoiceAnswer(2, question, ("AI tools", "Travel policy"), "2026-W41"),
        ChoiceAnswer(3, question, ("AI tools",), "2026-W30"),
        ChoiceAnswer(4, "Which department do you support?", ("AI tools",), "2026-W41"),
    ]
    units = [
        UnitView(1, "Could we discuss the expense claims backlog?", 3, 5, "2026-W41"),
        UnitView(2, "Expense claims are stuck", 3, 6, "2026-W37"),
    ]
    by_theme, unmatched = requesters(THEMES, units, answers)
    assert by_theme == {2: {1, 2}, 3: {5}}
    assert unmatched == {"Travel policy": {2}}
    assert recent_weeks(["2026-W30", "2026-W41", "2026-W39", "unknown"], 3) == {
        "2026-W39",
        "2026-W41",
    }
    assert recent_weeks(["2025-W52", "2026-W01", "unknown"], 2) == {"2025-W52", "2026-W01"}
