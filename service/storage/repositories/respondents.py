"""Right to erasure: remove a respondent and everything derived from their answers."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.errors import NotFound
from service.privacy.pseudonyms import respondent_key
from service.storage.tables import (
    Answer,
    Community,
    Poll,
    PollInvite,
    Respondent,
    Submission,
    Theme,
    ThemeQuote,
    ThemeSummarySentence,
    Unit,
)


def resolve_key(secret_key: str, key: str) -> str:
    """Accept the stored key, an e-mail address, or a tool identifier (``id:R-1042``)."""
    key = key.strip()
    if "@" in key:
        return respondent_key(secret_key, f"email:{key.lower().removeprefix('email:')}")
    if key.startswith("id:"):
        return respondent_key(secret_key, key)
    return key


def forget(session: Session, community: Community, key: str) -> dict[str, int]:
    """Delete the respondent's responses and every row derived from them (database cascades)."""
    respondent = session.scalar(
        select(Respondent).where(Respondent.community_id == community.id, Respondent.key == key)
    )
    if respondent is None:
        raise NotFound(
            "No such respondent in this community",
            hint="Pass the e-mail the member answered with, the tool's ID as id:VALUE, or the key.",
        )
    counts = {
        "responses": session.scalar(
            select(func.count())
            .select_from(Submission)
            .where(Submission.respondent_id == respondent.id)
        )
        or 0,
        "answers": session.scalar(
            select(func.count()).select_from(Answer).where(Answer.respondent_id == respondent.id)
        )
        or 0,
    }
    _forget_shown_words(session, community, respondent.id)
    session.execute(delete(Answer).where(Answer.respondent_id == respondent.id))
    session.execute(delete(Submission).where(Submission.respondent_id == respondent.id))
    session.execute(delete(Respondent).where(Respondent.id == respondent.id))
    # A personal poll link keeps the member's key: it goes too (and the link stops working).
    polls = select(Poll.id).where(Poll.community_id == community.id)
    session.execute(
        delete(PollInvite).where(PollInvite.poll_id.in_(polls), PollInvite.respondent_key == key)
    )
    session.flush()
    return counts


def _forget_shown_words(session: Session, community: Community, respondent_id: int) -> None:
    """Quotes and summary sentences are copies of members' sentences kept with the themes (no
    cascade reaches them): the respondent's go now, not at the next analysis."""
    answer_ids = set(
        session.scalars(select(Answer.id).where(Answer.respondent_id == respondent_id))
    )
    texts = set(session.scalars(select(Unit.text).where(Unit.respondent_id == respondent_id)))
    themes = select(Theme.id).where(Theme.community_id == community.id)
    if texts:
        session.execute(
            delete(ThemeQuote).where(ThemeQuote.theme_id.in_(themes), ThemeQuote.text.in_(texts))
        )
    for sentence in session.scalars(
        select(ThemeSummarySentence).where(ThemeSummarySentence.theme_id.in_(themes))
    ):
        if answer_ids & set(sentence.answer_ids or ()) or sentence.text in texts:
            session.delete(sentence)


def forget_everywhere(
    session: Session, key: str, targets: list[Community] | None = None
) -> dict[str, dict[str, int]]:
    """Forget the respondent in every community that knows the key (or only in ``targets``)."""
    if targets is None:
        targets = list(
            session.scalars(
                select(Community)
                .join(Respondent, Respondent.community_id == Community.id)
                .where(Respondent.key == key)
            )
        )
    if not targets:
        raise NotFound("No respondent with this key", hint="Check the e-mail or key.")
    return {community.slug: forget(session, community, key) for community in targets}


def roles(session: Session, community_id: int) -> dict[int, str | None]:
    """Each respondent's role (None when not known)."""
    return dict(
        session.execute(
            select(Respondent.id, Respondent.role).where(Respondent.community_id == community_id)
        ).all()
    )
