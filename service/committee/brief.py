"""What to discuss next: the overview's "Next session" card and the facilitator's one-page brief.

Both read the suggestions as the board ranks them (:func:`suggestions.list_for`): the card shows
the three best open suggestions with their votes, why now, format and quotes (stripped for roles
that may not read members' words, :func:`without_answer_text`); the brief shows the suggestions
accepted for one session, or the three best open ones when none is accepted yet, with what the
last session said it would do ("you said, we did") and what members answered in a poll.

The brief is HTML with print CSS (one A4 page: at most three topics, three angles and one quote
each, long reasons cut); :func:`brief_pdf` prints it with WeasyPrint, imported only when a PDF
is asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from sqlalchemy.orm import Session

from service.privacy.thresholds import without_answer_text
from service.storage.repositories import outcomes, reviews, suggestions
from service.storage.tables import Community
from service.templating import file_templates

CARD_ITEMS = 3
BRIEF_ITEMS = 3
MAX_ANGLES = 3
MAX_WHY = 300
MAX_QUOTE = 200
# the page template ships with the web templates (the package data the wheel includes)
TEMPLATES = Path(__file__).parent.parent / "web" / "templates"


@dataclass(frozen=True)
class Topic:
    """One topic of the card or the brief, cut to fit."""

    id: int
    title: str
    why: str
    format_label: str
    format_reason: str
    angles: tuple[str, ...]
    quotes: tuple[Mapping[str, Any], ...]
    votes: Mapping[str, int]
    status: str
    follow_up: bool = False
    poll: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Brief:
    """A session's one-page brief for its facilitator."""

    community_name: str
    slug: str
    session_date: date
    accepted: bool
    """True when the topics are the ones accepted for the session; False when none is and the
    topics are the three best open suggestions."""
    topics: tuple[Topic, ...]
    more: int = 0
    said_did: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)

    @property
    def day(self) -> str:
        """ "Thursday 4 March 2031"."""
        return f"{self.session_date:%A} {self.session_date.day} {self.session_date:%B %Y}"


def _cut(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def topic_of(item: Mapping[str, Any], *, quotes: int = 1) -> Topic:
    """A suggestion (the API's shape) cut to the card's or the brief's size."""
    evidence = item.get("evidence") or {}
    return Topic(
        id=int(item["id"]),
        title=str(item["title"]),
        why=_cut(str(item.get("why") or ""), MAX_WHY),
        format_label=str(item.get("format_label") or item.get("format") or ""),
        format_reason=_cut(str(item.get("format_reason") or ""), 200),
        angles=tuple(_cut(str(a), 140) for a in (item.get("angles") or [])[:MAX_ANGLES]),
        quotes=tuple(
            {"text": _cut(str(q.get("text") or ""), MAX_QUOTE), "week": q.get("week") or ""}
            for q in (item.get("quotes") or [])[:quotes]
            if isinstance(q, Mapping)
        ),
        votes=dict(item.get("votes") or {"up": 0, "down": 0, "total": 0}),
        status=str(item.get("status") or "open"),
        follow_up=bool(evidence.get("follow_up")),
        poll=item.get("poll"),
    )


def next_session(
    session: Session, community: Community, role: str, *, today: date
) -> dict[str, Any]:
    """The overview's card: the best open suggestions (new topics before "follow up?" notes)
    and the next session with accepted suggestions, if one is coming."""
    listed = without_answer_text(suggestions.list_for(session, community, status="open"), role)
    fresh = [i for i in listed if not (i.get("evidence") or {}).get("follow_up")]
    notes = [i for i in listed if (i.get("evidence") or {}).get("follow_up")]
    upcoming = [d for d in reviews.session_dates(session, community) if d >= today]
    return {
        "topics": [topic_of(i) for i in (fresh + notes)[:CARD_ITEMS]],
        "open": len(listed),
        "session_date": upcoming[0] if upcoming else None,
    }


def session_brief(
    session: Session,
    community: Community,
    day: date,
    *,
    polls: Mapping[int, Mapping[str, Any]] | None = None,
) -> Brief:
    """The brief of the session on ``day`` (quotes included: facilitators and the CLI only).

    ``polls`` gives, per suggestion id, what members answered in the latest poll.
    """
    items = suggestions.agenda(session, community, day)
    accepted = bool(items)
    if not accepted:
        items = [
            i
            for i in suggestions.list_for(session, community, status="open")
            if not (i.get("evidence") or {}).get("follow_up")
        ]
    chosen = items[:BRIEF_ITEMS]
    if polls:
        chosen = [{**i, "poll": polls.get(int(i["id"]))} for i in chosen]
    return Brief(
        community_name=community.name or community.slug,
        slug=community.slug,
        session_date=day,
        accepted=accepted,
        topics=tuple(topic_of(i) for i in chosen),
        more=max(len(items) - BRIEF_ITEMS, 0) if accepted else 0,
        said_did=tuple(
            {**o, "discussed": _cut(o["discussed"], 220), "action": _cut(o["action"], 220)}
            for o in outcomes.before(session, community, day, limit=3)
        ),
    )


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return file_templates(TEMPLATES)


def brief_html(brief: Brief, *, compact: int = 0) -> str:
    """The brief as one HTML page with its print CSS (``compact`` 1 and 2 print it smaller)."""
    return _environment().get_template("brief.html").render(b=brief, compact=compact)


def _shorter(brief: Brief) -> Brief:
    """The brief with two angles and no format reason per topic (the last way to fit a page)."""
    topics = tuple(replace(t, angles=t.angles[:2], format_reason="") for t in brief.topics)
    return replace(brief, topics=topics)


def brief_pdf(brief: Brief) -> bytes:
    """The brief printed to one A4 page by WeasyPrint (imported here: only a PDF needs it).

    The text is cut to fit already; should it still run over (long titles, many volunteers),
    it is printed smaller, then with fewer angles.
    """
    from weasyprint import HTML  # type: ignore[import-untyped]

    attempts = [(brief, 0), (brief, 1), (brief, 2), (_shorter(brief), 2)]
    for version, compact in attempts:
        document = HTML(string=brief_html(version, compact=compact)).render()
        if len(document.pages) == 1:
            break
    return bytes(document.write_pdf() or b"")
