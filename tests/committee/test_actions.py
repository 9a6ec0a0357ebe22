"""The committee's use cases run alone: an engine, a community and suggestions built by hand.

The API and the board call these same functions (their own tests go through HTTP); here each
action's rows and audit entries are checked directly.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select

from service.agenda.schemas import CommentIn, DecisionIn, MergeIn, SuggestionPatch, VoteIn
from service.committee import actions
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.storage import db
from service.storage.repositories import communities
from service.storage.tables import AuditEntry, Comment, Community, Suggestion, Vote


def _suggestion(title: str, *, score: float, size: int, status: str = "open") -> dict[str, Any]:
    return {
        "title": title,
        "why": f"Members raise {title.lower()}.",
        "angles": [f"What about {title.lower()}?"],
        "quotes": [{"text": f"A quote on {title.lower()}"}],
        "format": "discussion",
        "theme_ids": [len(title)],
        "score": score,
        "evidence": {"size": size},
        "status": status,
    }


@pytest.fixture
def board(engine: Engine) -> tuple[Community, list[int]]:
    """A community with an open, a second open and a merged suggestion."""
    with db.transaction(engine, write=True) as session:
        community = communities.get_or_create(session, "circle")
        rows = [
            Suggestion(community_id=community.id, **_suggestion("Burnout", score=0.9, size=12)),
            Suggestion(community_id=community.id, **_suggestion("Hiring", score=0.5, size=6)),
            Suggestion(
                community_id=community.id,
                **_suggestion("Old", score=0.1, size=5, status="merged"),
            ),
        ]
        session.add_all(rows)
        session.flush()
        session.expunge(community)
        return community, [row.id for row in rows]


def _as(
    community: Community, actor: str, engine: Engine, *, min_votes: int = 0, admin: bool = False
) -> actions.Acting:
    return actions.Acting(
        engine=engine, community=community, actor=actor, min_votes=min_votes, is_admin=admin
    )


def _audit(engine: Engine) -> list[tuple[str, str, dict[str, Any]]]:
    with db.transaction(engine) as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.action, e.target, e.detail) for e in entries]


def test_a_second_vote_replaces_the_first_and_both_are_audited(
    engine: Engine, board: tuple[Community, list[int]]
) -> None:
    community, (first, *_) = board
    actions.vote(_as(community, "user:1", engine), first, VoteIn(value=1))
    actions.vote(_as(community, "user:1", engine), first, VoteIn(value=-1))
    with db.transaction(engine) as session:
        assert [(v.voter, v.value) for v in session.scalars(select(Vote))] == [("user:1", -1)]
    assert [detail for _action, _target, detail in _audit(engine)] == [
        {"value": 1, "previous": None},
        {"value": -1, "previous": 1},
    ]


def test_a_comment_is_cleaned_and_answered_as_the_api_shows_it(
    engine: Engine, board: tuple[Community, list[int]]
) -> None:
    community, (first, *_) = board
    shown = actions.comment(
        _as(community, "token:3", engine), first, CommentIn(text="  Let us\x00 discuss  ")
    )
    assert shown["text"] == "Let us discuss"
    assert shown["suggestion_id"] == first and shown["author"] == "token:3"
    assert _audit(engine) == [
        (
            "suggestion.comment",
            f"suggestion:{first}",
            {"comment_id": shown["id"], "text": "Let us discuss"},
        )
    ]


def test_accepting_stores_the_session_date_and_the_size_at_the_decision(
    engine: Engine, board: tuple[Community, list[int]]
) -> None:
    community, (first, *_) = board
    decision = DecisionIn(decision="accept", session_date=date(2026, 3, 5))
    actions.decide(_as(community, "user:1", engine), first, decision)
    with db.transaction(engine) as session:
        row = session.get(Suggestion, first)
        assert row is not None
        assert (row.status, row.session_date.date() if row.session_date else None) == (
            "accepted",
            date(2026, 3, 5),
        )
        assert row.evidence["decided_size"] == 12 and "decided_at" in row.evidence
    assert _audit(engine)[0][2] == {
        "from": "open",
        "to": "accepted",
        "reason": None,
        "session_date": "2026-03-05",
        "votes_for": 0,
        "quorum": 0,
    }


def test_accepting_needs_the_quorum_unless_an_admin_overrides(
    engine: Engine, board: tuple[Community, list[int]]
) -> None:
    community, (first, second, _) = board
    accept = DecisionIn(decision="accept", session_date=date(2026, 3, 5))
    actions.vote(_as(community, "user:1", engine), first, VoteIn(value=1))
    with pytest.raises(Conflict, match="needs 2 votes for it; it has 1"):
        actions.decide(_as(community, "user:1", engine, min_votes=2), first, accept)
    actions.vote(_as(community, "user:2", engine), first, VoteIn(value=1))
    actions.decide(_as(community, "user:1", engine, min_votes=2), first, accept)
    forced = DecisionIn(decision="accept", session_date=date(2026, 3, 5), override=True)
    with pytest.raises(Forbidden):
        actions.decide(_as(community, "user:1", engine, min_votes=2), second, forced)
    actions.decide(_as(community, "user:9", engine, min_votes=2, admin=True), second, forced)
    with db.transaction(engine) as session:
        statuses = [session.get_one(Suggestion, i).status for i in (first, second)]
    assert statuses == ["accepted", "accepted"]
    accepted = [d for action, _t, d in _audit(engine) if action == "suggestion.accept"]
    assert [d.get("override") for d in accepted] == [None, True]


def test_reopening_clears_the_decision(engine: Engine, board: tuple[Community, list[int]]) -> None:
    community, (first, *_) = board
    acting = _as(community, "user:1", engine)
    actions.decide(acting, first, DecisionIn(decision="accept", session_date=date(2026, 3, 5)))
    actions.decide(acting, first, DecisionIn(decision="reopen"))
    with db.transaction(engine) as session:
        row = session.get_one(Suggestion, first)
        assert (row.status, row.session_date) == ("open", None)
        assert "decided_at" not in row.evidence
    assert _audit(engine)[-1][0] == "suggestion.reopen"
    with pytest.raises(Conflict, match="only a decided one can be reopened"):
        actions.decide(acting, first, DecisionIn(decision="reopen"))


@pytest.mark.parametrize(
    ("decision", "error"),
    [
        (DecisionIn(decision="accept"), InvalidInput),
        (DecisionIn(decision="reject", reason="  "), InvalidInput),
    ],
)
def test_a_decision_without_what_it_needs_changes_nothing(
    engine: Engine, board: tuple[Community, list[int]], decision: DecisionIn, error: type
) -> None:
    community, (first, *_) = board
    with pytest.raises(error):
        actions.decide(_as(community, "user:1", engine), first, decision)
    assert _audit(engine) == []


def test_a_merged_suggestion_takes_no_vote_comment_or_rename(
    engine: Engine, board: tuple[Community, list[int]]
) -> None:
    community, (_first, _second, merged) = board
    with pytest.raises(Conflict):
        actions.vote(_as(community, "user:1", engine), merged, VoteIn(value=1))
    with pytest.raises(Conflict):
        actions.comment(_as(community, "user:1", engine), merged, CommentIn(text="Hi"))
    with pytest.raises(Conflict):
        actions.edit(_as(community, "user:1", engine), merged, SuggestionPatch(title="X"))
    assert _audit(engine) == []


def test_an_edit_marks_the_title_and_angles_as_edited(
    engine: Engine, board: tuple[Community, list[int]]
) -> None:
    community, (first, *_) = board
    patch = SuggestionPatch(title="  Burnout   in winter ", angles=["Why now?", "Why now?", " "])
    actions.edit(_as(community, "user:1", engine), first, patch)
    with db.transaction(engine) as session:
        row = session.get(Suggestion, first)
        assert row is not None
        assert (row.title, row.angles) == ("Burnout in winter", ["Why now?"])
        assert row.evidence["edited"] == ["angles", "title"]
    assert [action for action, _target, _detail in _audit(engine)] == [
        "suggestion.rename",
        "suggestion.edit_angles",
    ]


def test_a_merge_moves_votes_and_comments_and_keeps_the_first_id(
    engine: Engine, board: tuple[Community, list[int]]
) -> None:
    community, (first, second, _merged) = board
    for voter, target in (("user:1", first), ("user:1", second), ("user:2", second)):
        actions.vote(_as(community, voter, engine), target, VoteIn(value=1))
    actions.comment(_as(community, "user:2", engine), second, CommentIn(text="Same"))
    kept = actions.merge(_as(community, "user:1", engine), MergeIn(ids=[first, second]))
    assert kept == first
    with db.transaction(engine) as session:
        votes = sorted((v.suggestion_id, v.voter) for v in session.scalars(select(Vote)))
        notes = [c.suggestion_id for c in session.scalars(select(Comment))]
        gone = session.get(Suggestion, second)
        assert gone is not None and (gone.status, gone.merged_into) == ("merged", first)
        row = session.get(Suggestion, first)
        assert row is not None and row.evidence["merged_from"] == [second]
        assert row.evidence["size"] == 18
    assert votes == [(first, "user:1"), (first, "user:2")]
    assert notes == [first]
    assert [a for a, _t, _d in _audit(engine)][-2:] == [
        "suggestion.merge",
        "suggestion.merged_into",
    ]


def test_a_suggestion_of_another_community_is_not_found(
    engine: Engine, board: tuple[Community, list[int]]
) -> None:
    _community, (first, *_) = board
    with db.transaction(engine, write=True) as session:
        other = communities.get_or_create(session, "elsewhere")
        session.expunge(other)
    with pytest.raises(NotFound):
        actions.vote(_as(other, "user:1", engine), first, VoteIn(value=1))
