"""The committee's review rules, and how a new analysis meets suggestions already reviewed.

**Re-runs.** Each suggestion covers themes (and, for a ticked topic no theme covers, a request
label). A new analysis's suggestion *matches* an earlier one when the earlier one covers all of
it (a merged suggestion covers the themes of both parts). Then:

- an **open** or **deferred** match is updated in place (new evidence, quotes, score; a title or
  angles the committee edited are kept), so re-running never duplicates an open suggestion;
- an **accepted** or **rejected** match is kept as it is, and the theme is *held*: it comes
  back as a new open suggestion only when it has grown markedly since that decision, that is
  when its size (the theme's units; for a request, the members asking) is at least
  :data:`RESURFACE_GROWTH` times its size at the decision. The latest decision counts.
  Because an analysis counts all of a community's answers, a steady theme also grows; the
  factor 1.5 means "half as large again", which a steady weekly theme reaches only after half
  as many weeks again as it had when it was decided;
- no match: a new open suggestion.

**Decisions.** ``accept`` needs a session date, ``reject`` a reason, ``defer`` neither. Any
suggestion can be decided again except a merged one. Votes (+1/-1, one per voter, a new vote
replaces the old) go to open and deferred suggestions only.

**Merges.** The second suggestion joins the first, which keeps its id: themes, requests and
invited segments are united, the angles and quotes of both kept (up to :data:`MAX_ANGLES` and
:data:`MAX_QUOTES`), the score is the higher one. Only open or deferred suggestions merge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from service.agenda.schemas import AgendaSuggestion
from service.errors import Conflict, Forbidden, InvalidInput

RESURFACE_GROWTH = 1.5
MAX_ANGLES = 6
MAX_QUOTES = 3
LIVE = ("open", "deferred")
DECIDED = ("accepted", "rejected")
DECISIONS = {"accept": "accepted", "reject": "rejected", "defer": "deferred", "reopen": "open"}
REOPENABLE = ("accepted", "rejected", "deferred")
"""Statuses a decision can be reopened from."""


@dataclass(frozen=True)
class Known:
    """A stored suggestion as the re-run rules see it.

    Attributes:
        id: Its id.
        status: ``open``, ``accepted``, ``rejected``, ``deferred`` or ``merged``.
        cover: The ``theme:ID`` / ``request:label`` tokens it covers.
        decided_size: Its size when it was last accepted or rejected (None if never).
        decided_order: Sorts decisions oldest first (a timestamp or id).
    """

    id: int
    status: str
    cover: frozenset[str]
    decided_size: int | None = None
    decided_order: Any = 0


@dataclass(frozen=True)
class Plan:
    """What to do with one new suggestion: ``update`` ``target``, ``create`` or ``hold``."""

    action: Literal["update", "create", "hold"]
    target: int | None = None
    resurfaced_from: int | None = None
    grown_from: int | None = None


def plan(cover: frozenset[str], size: int, known: Sequence[Known]) -> Plan:
    """Apply the re-run rules of the module docstring to one new suggestion."""
    matches = [k for k in known if k.status != "merged" and cover and cover <= k.cover]
    live = sorted((k for k in matches if k.status in LIVE), key=lambda k: (len(k.cover), k.id))
    if live:
        return Plan("update", live[0].id)
    decided = sorted(
        (k for k in matches if k.status in DECIDED), key=lambda k: (k.decided_order, k.id)
    )
    if not decided:
        return Plan("create")
    last = decided[-1]
    baseline = last.decided_size or 0
    if baseline > 0 and size >= RESURFACE_GROWTH * baseline:
        return Plan("create", resurfaced_from=last.id, grown_from=baseline)
    return Plan("hold", last.id)


def check_not_merged(status: str) -> None:
    """A merged suggestion lives on in the one it joined; it takes no further action."""
    if status == "merged":
        raise Conflict(
            "This suggestion was merged into another",
            hint="Act on the suggestion it was merged into (see merged_into).",
        )


def check_decision(
    decision: str, *, status: str, session_date: date | None, reason: str | None
) -> str:
    """The new status for ``decision``, or the error that explains why it cannot be taken."""
    check_not_merged(status)
    if decision not in DECISIONS:
        raise InvalidInput(f"Unknown decision {decision!r}", hint="Use accept, reject or defer.")
    if decision == "accept" and session_date is None:
        raise InvalidInput(
            "Accepting a suggestion needs the session date",
            hint='Send "session_date": "YYYY-MM-DD".',
        )
    if decision == "reopen" and status not in REOPENABLE:
        raise Conflict(
            f"This suggestion is {status}; only a decided one can be reopened",
            hint="Reopen an accepted, rejected or deferred suggestion.",
        )
    if decision == "reject" and not (reason or "").strip():
        raise InvalidInput(
            "Rejecting a suggestion needs a reason",
            hint='Send "reason": a sentence the committee can read later.',
        )
    return DECISIONS[decision]


def check_quorum(votes_for: int, *, needed: int, override: bool, is_admin: bool) -> None:
    """Accepting needs ``needed`` committee votes for it, unless an admin overrides."""
    if override and not is_admin:
        raise Forbidden(
            "Only an admin can accept without the votes",
            hint="Ask committee members to vote, or an admin to accept it.",
        )
    if votes_for < needed and not override:
        raise Conflict(
            f"Accepting needs {needed} votes for it; it has {votes_for}",
            hint="Ask the committee to vote first (PEERPULSE_ACCEPT_MIN_VOTES sets the quorum), "
            "or an admin can accept it anyway.",
        )


def check_votable(status: str) -> None:
    """Votes go to open and deferred suggestions only."""
    if status not in LIVE:
        raise Conflict(
            f"This suggestion is {status}; votes are closed",
            hint="Votes count while a suggestion is open or deferred.",
        )


def check_mergeable(ids: Sequence[int], statuses: Sequence[str]) -> None:
    """Two different suggestions, both open or deferred."""
    if len(set(ids)) != 2:
        raise InvalidInput("Merging needs two different suggestions", hint='Send "ids": [a, b].')
    for suggestion_id, status in zip(ids, statuses, strict=True):
        if status not in LIVE:
            raise Conflict(
                f"Suggestion {suggestion_id} is {status} and cannot be merged",
                hint="Only open or deferred suggestions can be merged.",
            )


def clean_angles(angles: Sequence[str]) -> list[str]:
    """Edited angles: stripped, on one line, empty ones and repeats dropped."""
    cleaned = [" ".join(a.replace("\x00", "").split()) for a in angles]
    kept = [a for a in dict.fromkeys(cleaned) if a]
    if not kept:
        raise InvalidInput("Angles cannot be empty", hint="Send at least one question.")
    if any(len(a) > 300 for a in kept):
        raise InvalidInput("An angle is longer than 300 characters", hint="Shorten it.")
    return kept


def _interleave(
    first: Sequence[Any], second: Sequence[Any], *, most: int, key: Any = lambda x: x
) -> list[Any]:
    merged: list[Any] = []
    seen: set[Any] = set()
    for pair in zip(first, second, strict=False):
        merged.extend(pair)
    longer = first if len(first) > len(second) else second
    merged.extend(longer[min(len(first), len(second)) :])
    result = []
    for item in merged:
        if key(item) not in seen:
            seen.add(key(item))
            result.append(item)
    return result[:most]


def merge_contents(
    first: dict[str, Any], second: dict[str, Any], *, title: str | None = None
) -> dict[str, Any]:
    """The content of ``first`` after ``second`` joins it (dicts with the suggestion fields)."""
    lead = first if first["score"] >= second["score"] else second
    evidence = dict(first.get("evidence") or {})
    requests = list(
        dict.fromkeys(
            [*evidence.get("requests", ()), *(second.get("evidence") or {}).get("requests", ())]
        )
    )
    if requests:
        evidence["requests"] = requests
    evidence["size"] = int(evidence.get("size", 0)) + int(
        (second.get("evidence") or {}).get("size", 0)
    )
    segments = [*first.get("segments", [])]
    segments += [s for s in second.get("segments", []) if s not in segments]
    return {
        "title": title or first["title"],
        "why": first["why"]
        if first["why"] == second["why"]
        else f"{first['why']} Together with \u201c{second['title']}\u201d: {second['why']}",
        "angles": _interleave(first["angles"], second["angles"], most=MAX_ANGLES),
        "quotes": _interleave(
            first["quotes"], second["quotes"], most=MAX_QUOTES, key=lambda q: q["text"]
        ),
        "format": lead["format"],
        "format_reason": lead["format_reason"],
        "theme_ids": sorted({*first["theme_ids"], *second["theme_ids"]}),
        "segments": segments[:4],
        "score": max(first["score"], second["score"]),
        "evidence": evidence,
    }


def combine(drafts: Sequence[AgendaSuggestion]) -> dict[str, Any]:
    """Several new suggestions that update one merged suggestion, as one content dict."""
    ordered = sorted(drafts, key=lambda d: -d.score)
    content = as_content(ordered[0])
    for draft in ordered[1:]:
        content = merge_contents(content, as_content(draft))
    return content


def as_content(draft: AgendaSuggestion) -> dict[str, Any]:
    """A draft's fields as a content dict."""
    return {
        "title": draft.title,
        "why": draft.why,
        "angles": list(draft.angles),
        "quotes": list(draft.quotes),
        "format": draft.format,
        "format_reason": draft.format_reason,
        "theme_ids": list(draft.theme_ids),
        "segments": list(draft.segments),
        "score": draft.score,
        "evidence": dict(draft.evidence),
    }
