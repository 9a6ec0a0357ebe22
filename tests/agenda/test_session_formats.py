"""The format rules and the solution-statement detector."""

from __future__ import annotations

import pytest

from service.agenda.schemas import Divergence
from service.agenda.session_formats import FormatFacts, choose_format, is_sensitive
from service.nlp.statements import is_solution_statement

SPLIT = Divergence(
    1, "role", "Executive Assistant", "Office Manager", "concern", 2.6, 0.4, 8, 8, 0.001, 0.004, 0.9
)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (FormatFacts(worried_share=0.6, worried=6, worried_shown=6), "fireside_chat"),
        (FormatFacts(worried_share=0.3, worried=3, severe=3, members=10), "fireside_chat"),
        (FormatFacts(worried_share=0.1, worried=1, sensitive="layoffs"), "fireside_chat"),
        (
            FormatFacts(worried_share=0.6, worried=6, solution_members=5, divergences=(SPLIT,)),
            "fireside_chat",
        ),
        (FormatFacts(worried_share=0.1, worried=1, solution_members=3), "case_study"),
        (FormatFacts(solution_members=3, divergences=(SPLIT,)), "case_study"),
        (
            FormatFacts(
                solution_members=1,
                divergences=(SPLIT,),
                group_phrase="EAs and OMs see this differently",
            ),
            "breakouts",
        ),
        (FormatFacts(worried_share=0.3, worried=3), "open_discussion"),
        # the v2 scorer finds a severe member in most themes: one of 25 is not high worry
        (FormatFacts(worried_share=0.32, worried=8, severe=1, members=25), "open_discussion"),
        (FormatFacts(worried_share=0.45, worried=9, severe=2, members=20), "open_discussion"),
        (FormatFacts(), "open_discussion"),
    ],
    ids=[
        "high-share",
        "severe",
        "sensitive",
        "concern-wins",
        "solutions",
        "solutions-first",
        "divergence",
        "mild",
        "one-severe-of-many",
        "below-half-worried",
        "nothing-known",
    ],
)
def test_format_rules(facts: FormatFacts, expected: str) -> None:
    chosen, reason = choose_format(facts)
    assert chosen == expected
    assert reason.endswith(".") and len(reason) > 40


def test_reasons_show_counts_only_when_publishable() -> None:
    _, shown = choose_format(FormatFacts(worried_share=0.75, worried=6, worried_shown=6))
    _, hidden = choose_format(FormatFacts(worried_share=0.75, worried=3, severe=1, members=4))
    assert "75% of the members" in shown
    assert "75%" not in hidden and "many of the members" in hidden
    _, few = choose_format(FormatFacts(solution_members=3))
    assert few.startswith("Several members")
    _, split = choose_format(
        FormatFacts(divergences=(SPLIT,), group_phrase="EAs and OMs see this differently")
    )
    assert split.startswith("EAs and OMs see this differently: start in small groups")


@pytest.mark.parametrize(
    ("label", "keywords", "word"),
    [
        ("Job security and the reorganisation", (), "job security"),
        ("Workload", ("burnout", "overtime"), "burnout"),
        ("Calendar conflicts", ("double booking",), None),
        ("Pay rise season", (), "pay rise"),
        ("Slept properly and haven't", ("sleep", "announcement"), "slept"),
    ],
)
def test_sensitive_subjects(label: str, keywords: tuple[str, ...], word: str | None) -> None:
    assert is_sensitive(label, keywords) == word


@pytest.mark.parametrize(
    "text",
    [
        "What worked for me was blocking focus time every morning",
        "What has worked for us is a weekly sync with the other assistants",
        "We fixed this by giving each exec a colour in the shared calendar",
        "We fixed the last-minute room scramble with a standing Monday plan call",
        "We solved it by moving approvals to Teams",
        "I fixed it by exporting the receipts as one PDF",
        "I started using Copilot for minutes and it saves me an hour a week",
        "We started using a shared inbox and it really helped",
        "Since we switched to a booking tool there are no more double bookings",
        "My top tip: batch the expense receipts on Friday",
        "The trick was to send the agenda a day early",
        "The new travel template has been a game changer",
        "Using ChatGPT for first drafts saves me about two hours a week",
        "Colour-coding made a big difference for me",
        "A shared checklist works really well for us",
    ],
)
def test_solution_statements_are_detected(text: str) -> None:
    assert is_solution_statement(text)


@pytest.mark.parametrize(
    "text",
    [
        "Nothing has worked for me so far",
        "What worked for me? Nothing, honestly",
        "We tried colour coding but it didn't help",
        "Has anyone found what works for double bookings?",
        "Does anyone have a trick for month end?",
        "I wish we had fixed this before go-live",
        "I started using the new tool and it keeps crashing",
        "We started using Concur and it did not save any time",
        "The expense system keeps rejecting receipts",
        "I'm worried the reorg will cut my role",
        "Copilot drafts my meeting minutes",
        "Going to need that colour-coded calendar trick from the group!",
    ],
)
def test_other_statements_are_not_solutions(text: str) -> None:
    assert not is_solution_statement(text)
