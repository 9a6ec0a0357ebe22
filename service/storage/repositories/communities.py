"""Queries about communities."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.errors import Conflict, InvalidInput, NotFound
from service.privacy.thresholds import Confidentiality, Headcount
from service.storage.tables import Community, Import, Respondent, Submission

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def check_slug(slug: str) -> str:
    """Refuse slugs that would not make clean URLs."""
    if not SLUG.match(slug):
        raise InvalidInput(
            f"Invalid community slug {slug!r}",
            hint="Use 2-63 lower-case letters, digits and hyphens, e.g. 'admin-circle'.",
        )
    return slug


def get(session: Session, slug: str) -> Community:
    """The community with ``slug`` or :class:`NotFound`."""
    community = session.scalar(select(Community).where(Community.slug == slug))
    if community is None:
        raise NotFound(f"No community {slug!r}", hint="Create it first, or check the slug.")
    return community


def find(session: Session, slug: str) -> Community | None:
    """The community with ``slug``, if any."""
    return session.scalar(select(Community).where(Community.slug == slug))


def create(session: Session, slug: str, name: str | None = None) -> Community:
    """Create a community; :class:`Conflict` if the slug is taken."""
    check_slug(slug)
    if find(session, slug) is not None:
        raise Conflict(f"Community {slug!r} already exists")
    return _insert(session, slug, name)


def get_or_create(session: Session, slug: str) -> Community:
    """The community, created on first use (the CLI's behaviour).

    A concurrent first use that inserts the same slug in between makes the flush fail with an
    ``IntegrityError``, which the importer's retry handles; a second lookup here (as ``create``
    does) could instead see the other transaction's commit and raise ``Conflict``.
    """
    return find(session, check_slug(slug)) or _insert(session, slug, None)


def _insert(session: Session, slug: str, name: str | None) -> Community:
    community = Community(slug=slug, name=name or slug.replace("-", " ").title())
    session.add(community)
    session.flush()
    return community


def list_all(session: Session) -> list[Community]:
    """Every community, by slug."""
    return list(session.scalars(select(Community).order_by(Community.slug)))


def stats(session: Session, community: Community) -> dict[str, int]:
    """Counts shown on a community's summary."""

    def count(model: type, column: Any) -> int:
        return (
            session.scalar(select(func.count()).select_from(model).where(column == community.id))
            or 0
        )

    return {
        "respondents": count(Respondent, Respondent.community_id),
        "responses": count(Submission, Submission.community_id),
        "imports": count(Import, Import.community_id),
    }


def headcount(session: Session, community: Community, privacy: Confidentiality) -> Headcount:
    """The community's members (identified) and unidentified responses, as one group."""
    rows = dict(
        session.execute(
            select(Respondent.identified, func.count())
            .where(Respondent.community_id == community.id)
            .group_by(Respondent.identified)
        )
        .tuples()
        .all()
    )
    return privacy.headcount(int(rows.get(True, 0)), int(rows.get(False, 0)))


def summary(session: Session, community: Community, privacy: Confidentiality) -> dict[str, Any]:
    """The counts a community's summary shows: none about its members below the minimum.

    The whole community is one group: with fewer than the minimum, its member and response
    counts are withheld like any small group's.
    """
    counts = stats(session, community)
    count = headcount(session, community, privacy)
    shown = privacy.may_show_group(count)
    return {
        "respondents": count.size if shown else None,
        "responses": counts["responses"] if shown else None,
        "imports": counts["imports"],
        "counted_as": count.noun,
        "suppressed": not shown,
        "note": None if shown else privacy.describe(count),
    }
