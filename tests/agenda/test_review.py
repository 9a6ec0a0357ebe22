"""The re-run and review rules, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from service.agenda.review import (
    Known,
    check_decision,
    check_mergeable,
    check_votable,
    clean_angles,
    merge_contents,
    plan,
)
from service.errors import Conflict, InvalidInput

T1 = frozenset({"theme:1"})


def test_an_open_suggestion_of_the_same_themes_is_updated() -> None:
    known = [Known(7, "open", T1), Known(8, "open", frozenset({"theme:2"}))]
    assert plan(T1, 10, known).action == "update" and plan(T1, 10, known).target == 7


def test_a_merged_suggestion_takes_the_updates_of_its_parts() -> None:
    known = [
        Known(7, "open", frozenset({"theme:1", "theme:2"})),
        Known(8, "merged", frozenset({"theme:2"})),
    ]
    assert plan(frozenset({"theme:2"}), 10, known).target == 7


def test_new_themes_create_new_suggestions() -> None:
    assert plan(frozenset({"theme:3"}), 10, [Known(7, "open", T1)]).action == "create"


@pytest.mark.parametrize("status", ["accepted", "rejected"])
@pytest.mark.parametrize(("size", "action"), [(20, "hold"), (29, "hold"), (30, "create")])
def test_a_decided_theme_returns_only_when_it_grows_by_half(
    status: str, size: int, action: str
) -> None:
    known = [Known(7, status, T1, decided_size=20, decided_order="2026-10-01")]
    step = plan(T1, size, known)
    assert step.action == action
    if action == "create":
        assert step.resurfaced_from == 7 and step.grown_from == 20


def test_the_latest_decision_is_the_baseline() -> None:
    known = [
        Known(7, "rejected", T1, decided_size=10, decided_order="2026-09-01"),
        Known(9, "rejected", T1, decided_size=30, decided_order="2026-10-01"),
    ]
    assert plan(T1, 40, known).action == "hold"
    assert plan(T1, 45, known).resurfaced_from == 9


def test_an_open_suggestion_wins_over_a_decided_one() -> None:
    known = [Known(7, "rejected", T1, decided_size=10), Known(9, "open", T1)]
    assert plan(T1, 100, known).target == 9


def test_decision_rules() -> None:
    assert (
        check_decision("accept", status="open", session_date=date(2026, 10, 20), reason=None)
        == "accepted"
    )
    assert check_decision("defer", status="accepted", session_date=None, reason=None) == "deferred"
    with pytest.raises(InvalidInput, match="session date"):
        check_decision("accept", status="open", session_date=None, reason=None)
    with pytest.raises(InvalidInput, match="reason"):
        check_decision("reject", status="open", session_date=None, reason="  ")
    with pytest.raises(Conflict):
        check_decision("accept", status="merged", session_date=date(2026, 10, 20), reason=None)
    with pytest.raises(Conflict):
        check_votable("rejected")
    check_votable("deferred")


def test_merge_rules_and_content() -> None:
    with pytest.raises(InvalidInput):
        check_mergeable([3, 3], ["open", "open"])
    with pytest.raises(Conflict, match="Suggestion 4 is accepted"):
        check_mergeable([3, 4], ["open", "accepted"])
    first = {
        "title": "Calendars",
        "why": "A.",
        "angles": ["A1?", "A2?", "A3?"],
        "quotes": [{"text": "qa", "week": "w"}, {"text": "qb", "week": "w"}],
        "format": "open_discussion",
        "format_reason": "r1",
        "theme_ids": [1],
        "segments": [],
        "score": 0.5,
        "evidence": {"size": 10},
    }
    second = {
        "title": "Rooms",
        "why": "B.",
        "angles": ["B1?", "A2?"],
        "quotes": [{"text": "qc", "week": "w"}, {"text": "qa", "week": "w"}],
        "format": "fireside_chat",
        "format_reason": "r2",
        "theme_ids": [2],
        "segments": [],
        "score": 0.9,
        "evidence": {"size": 5, "requests": ["Rooms"]},
    }
    merged = merge_contents(first, second, title="Calendars and rooms")
    assert merged["title"] == "Calendars and rooms"
    assert merged["theme_ids"] == [1, 2] and merged["score"] == 0.9
    assert merged["format"] == "fireside_chat"
    assert merged["angles"] == ["A1?", "B1?", "A2?", "A3?"]
    assert [q["text"] for q in merged["quotes"]] == ["qa", "qc", "qb"]
    assert merged["evidence"] == {"size": 15, "requests": ["Rooms"]}
    assert "Together with \u201cRooms\u201d" in merged["why"]


def test_edited_angles_are_cleaned() -> None:
    assert clean_angles(["  What  works? ", "What works?", ""]) == ["What works?"]
    with pytest.raises(InvalidInput):
        clean_angles(["   "])
