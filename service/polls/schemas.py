"""What a member poll asks and what a member answers; its tally under the group rules (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.errors import InvalidInput

MAX_TOPICS = 6
VOLUNTEER_KINDS: dict[str, str] = {
    "experience": "share an experience",
    "case_study": "present a case study",
}
Kind = Literal["experience", "case_study"]
Text = Annotated[str, Field(max_length=2000)]


class BallotIn(BaseModel):
    """One member's answer: the topics ranked best first, angles or examples per topic, and
    offers to share an experience or present a case study (a contact only if they choose)."""

    model_config = ConfigDict(extra="forbid")

    ranking: list[int] = Field(default_factory=list, max_length=MAX_TOPICS)
    angles: dict[int, Text] = Field(default_factory=dict)
    volunteer: dict[int, Kind] = Field(default_factory=dict)
    contact: Annotated[str, Field(max_length=300)] = ""

    @field_validator("angles")
    @classmethod
    def _clean_angles(cls, value: dict[int, str]) -> dict[int, str]:
        cleaned = {k: " ".join(v.replace("\x00", "").split()) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v}

    @field_validator("contact")
    @classmethod
    def _clean_contact(cls, value: str) -> str:
        return " ".join(value.replace("\x00", "").split())


def check_ballot(topic_ids: Sequence[int], ballot: BallotIn) -> None:
    """Refuse a ballot about topics the poll does not hold, or one that says nothing."""
    known = set(topic_ids)
    named = set(ballot.ranking) | set(ballot.angles) | set(ballot.volunteer)
    if named - known:
        raise InvalidInput(
            "The answer names a topic this poll does not hold",
            hint="Reload the poll and answer again.",
        )
    if len(set(ballot.ranking)) != len(ballot.ranking):
        raise InvalidInput("Each topic can be ranked once", hint="Give each topic its own place.")
    if not (ballot.ranking or ballot.angles or ballot.volunteer):
        raise InvalidInput(
            "The answer is empty", hint="Rank at least one topic or suggest an angle."
        )


def tally(
    topic_ids: Sequence[int], rankings: Sequence[Sequence[int]], *, min_group: int
) -> dict[int, dict[str, Any]]:
    """Per topic: how many members ranked it in their top three and its points (Borda: first of
    n topics gets n points), or nothing while fewer than ``min_group`` members answered.

    Below the minimum a count would describe a handful of members; it reads as suppressed.
    """
    answered = len(rankings)
    if answered < min_group:
        return {t: {"answered": answered, "suppressed": True} for t in topic_ids}
    size = len(topic_ids)
    result: dict[int, dict[str, Any]] = {
        t: {"answered": answered, "suppressed": False, "top3": 0, "points": 0} for t in topic_ids
    }
    for ranking in rankings:
        for place, topic in enumerate(ranking):
            if topic in result:
                result[topic]["points"] += size - place
                result[topic]["top3"] += int(place < 3)
    return result


def volunteer_line(kinds: Mapping[str, int]) -> str:
    """ "2 members offer to share an experience; 1 member offers to present a case study"."""
    parts = []
    for kind, label in VOLUNTEER_KINDS.items():
        count = kinds.get(kind, 0)
        if count:
            who = "1 member offers" if count == 1 else f"{count} members offer"
            parts.append(f"{who} to {label}")
    return "; ".join(parts)


def parse_ballot(form: Mapping[str, Any], topic_ids: Iterable[int]) -> BallotIn:
    """A ballot from the page's form: ``rank-{id}`` (1 = first), ``angle-{id}``,
    ``volunteer-{id}`` and ``contact``."""
    places: list[tuple[int, int]] = []
    angles: dict[int, str] = {}
    volunteer: dict[int, str] = {}
    for topic in topic_ids:
        place = str(form.get(f"rank-{topic}") or "").strip()
        if place:
            if not place.isdigit():
                raise InvalidInput("A rank is a number", hint="Number the topics 1, 2, 3...")
            places.append((int(place), topic))
        angles[topic] = str(form.get(f"angle-{topic}") or "")
        kind = str(form.get(f"volunteer-{topic}") or "")
        if kind:
            volunteer[topic] = kind
    places.sort()
    if len({p for p, _ in places}) != len(places):
        raise InvalidInput("Two topics share a rank", hint="Give each topic its own number.")
    return BallotIn.model_validate(
        {
            "ranking": [t for _, t in places],
            "angles": angles,
            "volunteer": volunteer,
            "contact": str(form.get("contact") or "") if volunteer else "",
        }
    )
