"""Member polls of the shortlist: open one, answer it, send personal links, read it back.

A poll holds the best open suggestions (as the board ranks them). Members open ``/p/{token}``
without an account, rank the topics, suggest angles or examples for each and may offer to share
an experience or present a case study. The angles are stored as ordinary answers to one
free-text question per topic: redacted by the import's redactor before storage
(:class:`~service.intake_redaction.ChunkRedactor`), stored through
:func:`service.storage.repositories.imports.store_chunks`, themed by the next analysis. The
ranking is counted only when at least the minimum group answered; volunteers' contacts are shown
to facilitators only.

A shared link is anonymous (each answer is an unidentified response, and the page is
rate-limited per address); a personal link (``peerpulse poll send`` mails one to each roster
e-mail) takes one answer and counts its member as the roster's member.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from service.config import Settings
from service.digest.schemas import PollItem
from service.errors import Conflict, NotFound
from service.ingest.schemas import Answer, ParsedRecord, QuestionKind, QuestionSpec
from service.intake_redaction import ChunkRedactor
from service.polls.schemas import MAX_TOPICS, BallotIn, check_ballot, tally, volunteer_line
from service.privacy.pseudonyms import respondent_key, submission_key
from service.privacy.redactor import Redactor
from service.privacy.thresholds import may_read_answers
from service.storage import db
from service.storage.repositories import imports, outcomes, polls, suggestions
from service.storage.tables import (
    Answer as StoredAnswer,
)
from service.storage.tables import (
    Community,
    Poll,
    PollInvite,
    Question,
    Submission,
    utcnow,
)


def angle_question(title: str) -> str:
    """The free-text question a topic's angles are stored under."""
    return f"Member poll: angles or examples for \u201c{title}\u201d"


def poll_url(settings: Settings, token: str) -> str:
    """The address members open."""
    return f"{settings.public_url.rstrip('/')}/p/{token}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    engine: Engine,
    community: Community,
    *,
    author: str,
    closes_at: datetime | None = None,
) -> dict[str, Any]:
    """Open a poll of the best open suggestions (new topics, not "follow up?" notes)."""

    def work(session: Session) -> dict[str, Any]:
        listed = [
            i
            for i in suggestions.list_for(session, community, status="open")
            if not (i.get("evidence") or {}).get("follow_up")
        ][:MAX_TOPICS]
        if not listed:
            raise Conflict(
                "No open suggestion to put to members",
                hint="Run an analysis first; the poll holds the board's best open suggestions.",
            )
        topics = [{"suggestion_id": i["id"], "title": i["title"]} for i in listed]
        poll = polls.create(
            session,
            community,
            token=secrets.token_urlsafe(18),
            topics=topics,
            closes_at=closes_at,
            created_by=author,
        )
        return as_dict(poll)

    return db.write_with_retries(engine, work)


def as_dict(poll: Poll) -> dict[str, Any]:
    """The API's shape of a poll (without the answers)."""
    return {
        "id": poll.id,
        "token": poll.token,
        "status": poll.status,
        "closes_at": poll.closes_at.isoformat() if poll.closes_at else None,
        "topics": list(poll.topics or []),
        "created_at": poll.created_at.isoformat(),
    }


@dataclass(frozen=True)
class Opened:
    """A poll as a link opens it: the poll, and the personal link's row when it is one."""

    poll: Poll
    invite: PollInvite | None


def open_link(session: Session, token: str) -> Opened:
    """The poll behind a shared or personal link, or :class:`NotFound`."""
    poll = polls.by_token(session, token)
    invite = None
    if poll is None:
        invite = polls.invite_by_hash(session, _hash(token))
        poll = session.get(Poll, invite.poll_id) if invite is not None else None
    if poll is None:
        raise NotFound("No such poll", hint="Check the link in your invitation.")
    return Opened(poll, invite)


def is_open(poll: Poll, now: datetime | None = None) -> bool:
    """Whether the poll still takes answers."""
    moment = now or utcnow()
    return poll.status == "open" and (poll.closes_at is None or moment < poll.closes_at)


def page_view(session: Session, token: str, *, today: Any) -> dict[str, Any]:
    """What a member's page shows: the topics, whether it is open or already answered, and
    what the last session did ("you said, we did")."""
    opened = open_link(session, token)
    community = session.get_one(Community, opened.poll.community_id)
    return {
        "poll": as_dict(opened.poll),
        "community": community.name or community.slug,
        "open": is_open(opened.poll),
        "answered": bool(opened.invite and opened.invite.used_at),
        "personal": opened.invite is not None,
        "said_did": outcomes.recent(session, community, today),
    }


def answer(
    engine: Engine, settings: Settings, redactor: Redactor, token: str, ballot: BallotIn
) -> int:
    """Store one member's answer; the ballot's id.

    The angles are redacted before anything is written; a personal link takes one answer.
    """
    with db.transaction(engine) as session:
        opened = open_link(session, token)
        topics = {int(t["suggestion_id"]): str(t["title"]) for t in opened.poll.topics}
    check_ballot(list(topics), ballot)
    specs = [QuestionSpec(angle_question(topics[t]), QuestionKind.FREE_TEXT) for t in topics]
    record = ParsedRecord(
        row=1,
        source_key=f"poll:{opened.poll.id}:{uuid.uuid4().hex}",
        respondent_ref="",
        submitted_at=utcnow(),
        answers=[Answer(angle_question(topics[t]), text=text) for t, text in ballot.angles.items()],
    )
    ChunkRedactor(redactor, questions=specs, gazetteer=frozenset()).redact([record])
    invite_id = opened.invite.id if opened.invite is not None else None

    def work(session: Session) -> int:
        poll = session.get_one(Poll, opened.poll.id)
        if not is_open(poll):
            raise Conflict("This poll is closed", hint="Thank you all the same.")
        invite = None
        if invite_id is not None:
            invite = polls.invite_by_hash(session, _hash(token), lock=True)
            if invite is None or invite.used_at is not None:
                raise Conflict(
                    "This link has already been used to answer",
                    hint="Each personal link takes one answer.",
                )
            invite.used_at = utcnow()
        submission_id = _store_answers(session, settings, poll, record, specs, invite)
        stored = polls.add_ballot(
            session,
            poll.id,
            ranking=list(ballot.ranking),
            submission_id=submission_id,
            invite_id=invite_id,
        )
        contact = ballot.contact or None
        for topic, kind in ballot.volunteer.items():
            polls.add_volunteer(
                session, poll.id, stored.id, suggestion_id=topic, kind=kind, contact=contact
            )
        return stored.id

    return db.write_with_retries(engine, work)


def _store_answers(
    session: Session,
    settings: Settings,
    poll: Poll,
    record: ParsedRecord,
    specs: list[QuestionSpec],
    invite: PollInvite | None,
) -> int | None:
    """Store the redacted angles as one response (a personal link's member, else unidentified).

    A personal link's answer is always a response of its member, angles or not, so that erasing
    the member (``respondents forget``) removes the ballot and any contact left with it.
    """
    if not record.answers and invite is None:
        return None
    community = session.get_one(Community, poll.community_id)
    record.identified = invite is not None
    record.respondent_ref = (
        invite.respondent_key
        if invite is not None
        else respondent_key(settings.secret_key, f"id:{record.source_key}")
    )
    record.source_key = submission_key(settings.secret_key, record.source_key)
    imports.store_chunks(
        session,
        community,
        lambda: iter([[record]]),
        questions=specs,
        summary={"format": "poll", "warnings": []},
        secret_key=settings.secret_key,
        file_info={"filename": f"member poll {poll.id}", "sha256": "", "size_bytes": 0},
        keyed=True,
    )
    return session.scalar(
        select(Submission.id).where(
            Submission.community_id == community.id, Submission.source_key == record.source_key
        )
    )


Mail = Callable[[str, str], None]
"""Sends one member their personal link: ``mail(address, link)``."""


def send_invites(
    engine: Engine, settings: Settings, poll_id: int, addresses: Iterable[str], *, mail: Mail
) -> dict[str, int]:
    """Mail a personal one-answer link to each address not invited yet; counts sent and skipped.

    Only the link's hash and the member's key are stored, never the address; a link is stored
    once its mail went out, so a failed send can be run again.
    """
    sent = skipped = 0
    with db.transaction(engine) as session:
        poll = session.get(Poll, poll_id)
        if poll is None:
            raise NotFound(f"No poll {poll_id}", hint="peerpulse poll create prints its id.")
        if not is_open(poll):
            raise Conflict(f"Poll {poll_id} is closed", hint="Open a new poll.")
        invited = polls.invited_keys(session, poll_id)
    for address in dict.fromkeys(a.strip().lower() for a in addresses if "@" in a):
        key = respondent_key(settings.secret_key, f"email:{address}")
        if key in invited:
            skipped += 1
            continue
        token = secrets.token_urlsafe(24)
        mail(address, poll_url(settings, token))
        db.write_with_retries(
            engine,
            partial(polls.add_invite, poll_id=poll_id, token_hash=_hash(token), respondent_key=key),
        )
        invited.add(key)
        sent += 1
    return {"sent": sent, "skipped": skipped}


def _angles(session: Session, community: Community, titles: Mapping[int, str]) -> dict[int, list]:
    """The stored (redacted) angles per topic, newest first."""
    wanted = {angle_question(title): topic for topic, title in titles.items()}
    rows = session.execute(
        select(Question.text, StoredAnswer.text)
        .join(Question, Question.id == StoredAnswer.question_id)
        .where(StoredAnswer.community_id == community.id, Question.text.in_(list(wanted)))
        .order_by(StoredAnswer.id.desc())
    )
    found: dict[int, list[str]] = {t: [] for t in titles}
    for question, text in rows:
        if text:
            found[wanted[question]].append(text)
    return found


def board_view(
    session: Session,
    community: Community,
    *,
    role: str,
    min_group: int,
    min_quote_group: int,
    facilitator: bool,
) -> dict[str, Any] | None:
    """The latest poll as the board shows it beside the committee's votes, per suggestion id:
    ranks (from the minimum group up), angles (roles that read answers, from the quote group
    up) and volunteers (facilitators only, with contacts)."""
    poll = polls.latest(session, community)
    if poll is None:
        return None
    titles = {int(t["suggestion_id"]): str(t["title"]) for t in poll.topics}
    rankings = polls.rankings(session, poll.id)
    counts = tally(list(titles), rankings, min_group=min_group)
    quoting = may_read_answers(role) and len(rankings) >= min_quote_group
    angles = _angles(session, community, titles) if quoting else {}
    offers = polls.volunteers(session, poll.id) if facilitator else {}
    topics = {
        topic: {
            **counts[topic],
            "summary": _summary(counts[topic], min_group),
            "angles": angles.get(topic, [])[:3],
            "volunteers": offers.get(topic, []),
        }
        for topic in titles
    }
    return {**as_dict(poll), "answered": len(rankings), "open": is_open(poll), "by_topic": topics}


def _summary(count: Mapping[str, Any], min_group: int) -> str:
    if count["suppressed"]:
        return f"fewer than {min_group} members answered the poll yet"
    return f"in the top three of {count['top3']} of {count['answered']} members"


def brief_lines(
    session: Session, community: Community, *, min_group: int = 5
) -> dict[int, Mapping[str, Any]]:
    """Per suggestion id, what members answered in the latest poll, as the brief prints it
    (volunteers counted, no contact)."""
    poll = polls.latest(session, community)
    if poll is None:
        return {}
    titles = [int(t["suggestion_id"]) for t in poll.topics]
    counts = tally(titles, polls.rankings(session, poll.id), min_group=min_group)
    offers = polls.volunteers(session, poll.id)
    return {
        topic: {
            "summary": _summary(counts[topic], min_group),
            "volunteers": volunteer_line(Counter(o["kind"] for o in offers.get(topic, []))),
        }
        for topic in titles
    }


def digest_item(session: Session, community: Community, settings: Settings) -> PollItem | None:
    """The latest poll as the digest tells it; its count of answers and the members' ranking
    only from the minimum group of answers."""
    poll = polls.latest(session, community)
    if poll is None:
        return None
    rankings = polls.rankings(session, poll.id)
    titles = {int(t["suggestion_id"]): str(t["title"]) for t in poll.topics}
    counts = tally(list(titles), rankings, min_group=settings.min_group_size)
    ranked = sorted(
        (t for t in titles if not counts[t]["suppressed"] and counts[t]["points"]),
        key=lambda t: (-counts[t]["points"], t),
    )
    return PollItem(
        url=poll_url(settings, poll.token),
        open=is_open(poll),
        answered=len(rankings) if len(rankings) >= settings.min_group_size else None,
        closes=f"{poll.closes_at:%a} {poll.closes_at.day} {poll.closes_at:%B}"
        if poll.closes_at
        else None,
        top=tuple(titles[t] for t in ranked[:3]),
    )
