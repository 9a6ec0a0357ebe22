"""Who reads members' words, and how a group with unidentified responses is counted."""

from __future__ import annotations

import pytest

from service.auth.roles import Role
from service.goals.gaps import goal_reason
from service.goals.schemas import GoalView, ThemeLink
from service.privacy.thresholds import Confidentiality, may_read_answers, without_answer_text

RULES = Confidentiality(min_group=5, min_quote_group=10)
PAYLOAD = {
    "label": "Calendar",
    "keywords": ["double booking"],
    "quotes": [{"text": "My calendar is double booked again", "week": "2026-W37"}],
    "summary": [{"text": "My calendar is double booked again", "answer_ids": [3]}],
    "goals": [{"alignment": {"quotes": [{"text": "We never got the laptops"}], "members": 9}}],
}


@pytest.mark.parametrize(
    ("role", "reads"),
    [(Role.VIEWER, False), (Role.COMMITTEE, True), (Role.FACILITATOR, True), (Role.ADMIN, True)],
)
def test_only_the_committee_and_up_read_members_words(role: Role, reads: bool) -> None:
    assert may_read_answers(role) is reads
    assert may_read_answers(role.value) is reads
    shown = without_answer_text(PAYLOAD, role)
    assert (shown == PAYLOAD) is reads
    assert shown["label"] == "Calendar" and shown["keywords"] == ["double booking"]
    assert shown["goals"][0]["alignment"]["members"] == 9
    if not reads:
        assert shown["quotes"] == [] and shown["goals"][0]["alignment"]["quotes"] == []
        assert shown["summary"] == []  # a theme's summary is made of its answers


def test_an_unknown_role_reads_no_words() -> None:
    assert not may_read_answers("sponsor")
    assert without_answer_text([PAYLOAD], "sponsor")[0]["quotes"] == []


def test_identified_members_are_counted_as_members() -> None:
    count = RULES.headcount(7)
    assert (count.size, count.noun) == (7, "members")
    assert RULES.describe(count) == "7 members"
    assert RULES.describe(RULES.headcount(4)) == "fewer than 5 members"


def test_unidentified_responses_make_the_figure_a_count_of_responses() -> None:
    count = RULES.headcount(3, 4)
    assert (count.size, count.noun) == (7, "responses")
    assert RULES.describe(count) == "7 responses"
    assert RULES.describe(RULES.headcount(1, 3)) == "fewer than 5 responses"


def test_a_member_answering_twice_is_one() -> None:
    # Six answers from three members: checked on three.
    assert not RULES.may_show_group(RULES.headcount(3, responses=6))
    assert RULES.may_show_group(RULES.headcount(5, responses=9))
    assert RULES.may_show_group(RULES.headcount(0))  # an empty group hides nobody


def test_goal_reason_names_no_total_below_the_minimum() -> None:
    goal = GoalView(1, "Everyone uses the new expense tool", "sponsor")
    link = ThemeLink(2, "Expenses", 0.6, ("expense",))
    reason = goal_reason(
        goal,
        [link],
        gap="barely_raised",
        members=2,
        total=4,
        shares=(None, None),
        phrases=((), ()),
        privacy=RULES,
    )
    assert "4" not in reason and "fewer than 5 members" in reason
    large = goal_reason(
        goal,
        [link],
        gap="barely_raised",
        members=2,
        total=40,
        shares=(None, None),
        phrases=((), ()),
        privacy=RULES,
    )
    assert "fewer than 5 of the 40 members who answered" in large


def test_goal_reason_does_not_single_out_the_rest() -> None:
    """Regression: "6 of the 7 members who answered" pointed at the seventh."""
    goal = GoalView(1, "Everyone uses the new expense tool", "sponsor")
    link = ThemeLink(2, "Expenses", 0.6, ("expense",))
    reason = goal_reason(
        goal,
        [link],
        gap="barely_raised",
        members=6,
        total=7,
        shares=(None, None),
        phrases=((), ()),
        privacy=RULES,
    )
    assert "6" not in reason and "7" not in reason
    assert "most of the members who answered" in reason
