"""What the agenda core reads and produces, and the committee's request bodies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

FORMATS: dict[str, str] = {
    "fireside_chat": "Fireside chat with Q&A",
    "case_study": "Case study",
    "breakouts": "Small-group breakouts",
    "open_discussion": "Open discussion",
}
"""Session formats by id, with the name people read."""

ANGLE_KINDS = ("challenge", "opportunity", "how-to", "divergence", "starting-point", "progress")


@dataclass(frozen=True)
class ThemeView:
    """One active theme as the agenda reads it: its figures, quotes, worry and goals."""

    id: int
    label: str
    keywords: tuple[str, ...] = ()
    units: int = 0
    respondents: int | None = None
    share: float = 0.0
    trend: str = "steady"
    weekly: tuple[tuple[str, int | None], ...] = ()
    quotes: tuple[tuple[str, str], ...] = ()
    suppressed: bool = False
    concern: Mapping[str, Any] | None = None
    goals: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ThemeView:
        """Read the analysis job's theme dict (unknown keys are ignored)."""
        return cls(
            id=int(data["id"]),
            label=str(data.get("label") or ""),
            keywords=tuple(str(k) for k in data.get("keywords") or ()),
            units=int(data.get("units") or 0),
            respondents=data.get("respondents"),
            share=float(data.get("share") or 0.0),
            trend=str(data.get("trend") or "steady"),
            weekly=tuple((str(w["week"]), w.get("count")) for w in data.get("weekly") or ()),
            quotes=tuple(
                (str(q["text"]), str(q.get("week") or "")) for q in data.get("quotes") or ()
            ),
            suppressed=bool(data.get("suppressed", False)),
            concern=data.get("concern"),
            goals=tuple(g for g in data.get("goals") or () if isinstance(g, Mapping)),
        )


@dataclass(frozen=True)
class UnitView:
    """One redacted unit of member text, with its theme and scores when known."""

    id: int
    text: str
    theme_id: int | None
    respondent_id: int
    week: str = ""
    concern_level: int | None = None
    sentiment: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UnitView:
        """Read the analysis job's unit dict."""
        theme = data.get("theme_id")
        return cls(
            id=int(data["id"]),
            text=str(data.get("text") or ""),
            theme_id=int(theme) if theme is not None else None,
            respondent_id=int(data["respondent_id"]),
            week=str(data.get("week") or ""),
            concern_level=data.get("concern_level"),
            sentiment=data.get("sentiment"),
        )


@dataclass(frozen=True)
class ChoiceAnswer:
    """A member's ticked options on a question such as "Which topics would you like to discuss?"."""

    respondent_id: int
    question: str
    choices: tuple[str, ...]
    week: str = ""


@dataclass(frozen=True)
class Divergence:
    """A segment group that sees a theme significantly differently from the rest of its dimension.

    ``measure`` is ``concern`` (each member's highest concern level in the theme) or
    ``sentiment`` (each member's mean sentiment); ``effect`` is the rank-biserial correlation,
    positive when ``group`` scores higher. ``other`` names the other group when the dimension
    has exactly two groups large enough to test, else it is "".
    """

    theme_id: int
    dimension: str
    group: str
    other: str
    measure: str
    group_mean: float
    others_mean: float
    n_group: int
    n_others: int
    p_value: float
    q_value: float
    effect: float

    def as_dict(self) -> dict[str, Any]:
        """JSON form (kept in a suggestion's evidence)."""
        return {
            "dimension": self.dimension,
            "group": self.group,
            "other": self.other,
            "measure": self.measure,
            "group_mean": round(self.group_mean, 3),
            "others_mean": round(self.others_mean, 3),
            "n_group": self.n_group,
            "n_others": self.n_others,
            "p_value": round(self.p_value, 6),
            "q_value": round(self.q_value, 6),
            "effect": round(self.effect, 3),
        }


@dataclass(frozen=True)
class Angle:
    """One discussion angle: an open question of a kind in :data:`ANGLE_KINDS`.

    ``source`` is the writer that wrote it (``template`` or ``llm``).
    """

    kind: str
    text: str
    source: str = "template"


@dataclass(frozen=True)
class AngleBrief:
    """What an angle writer knows about a topic (aggregates only, never member text).

    Attributes:
        topic: The topic as it reads mid-sentence ("calendar conflicts and double bookings").
        key_phrases: The theme's key phrases, best first, other than the topic itself.
        tone: ``worry`` (members sound worried), ``positive`` (members report what works) or
            ``neutral``.
        format: The suggested format id.
        divergence: ``(dimension plural, group a, group b)`` when segments differ, such as
            ``("roles", "Executive Assistants", "other roles")``.
        requested: Members explicitly asked to discuss it.
        noun_phrase: The topic reads as a noun phrase; when it does not (a generated label such
            as "Can't and tired"), templates only use it as a heading ("Topic: ...?").
    """

    topic: str
    key_phrases: tuple[str, ...] = ()
    tone: str = "neutral"
    format: str = "open_discussion"
    divergence: tuple[str, str, str] | None = None
    requested: bool = False
    noun_phrase: bool = True


@dataclass
class AgendaSuggestion:
    """A ranked suggestion for the next session, before (or apart from) the committee's review.

    ``cover`` says what the suggestion is about, for matching across analyses: ``theme:ID`` per
    theme, and ``request:label`` for a topic members ticked that no theme covers.
    """

    title: str
    why: str
    angles: list[str]
    quotes: list[dict[str, str]]
    format: str
    format_reason: str
    theme_ids: list[int]
    score: float
    segments: list[dict[str, Any]] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def cover(self) -> frozenset[str]:
        """The themes and request labels this suggestion is about."""
        return cover_of(self.theme_ids, self.evidence.get("requests", ()))

    @property
    def size(self) -> int:
        """Units (or, for a request-only topic, requesting members) behind it."""
        return int(self.evidence.get("size", 0))


def cover_of(theme_ids: Any, requests: Any) -> frozenset[str]:
    """``theme:ID`` and ``request:label`` tokens (see :class:`AgendaSuggestion`)."""
    return frozenset(
        {f"theme:{int(t)}" for t in theme_ids or ()}
        | {f"request:{str(r).lower()}" for r in requests or ()}
    )


# --- request bodies of the committee's review ------------------------------------------------


class VoteIn(BaseModel):
    """A committee member's vote; voting again replaces the earlier vote."""

    model_config = ConfigDict(extra="forbid")

    value: Literal[1, -1]


class DecisionIn(BaseModel):
    """Accept (with the session date), reject (with a reason), defer or reopen a suggestion.

    ``override``: an admin accepts without the quorum of votes (audited).
    """

    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "reject", "defer", "reopen"]
    session_date: date | None = None
    reason: str | None = Field(default=None, max_length=2000)
    override: bool = False


class CommentIn(BaseModel):
    """A comment on a suggestion."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)


class SuggestionPatch(BaseModel):
    """A new title and/or new discussion angles (leave a field out to keep it; never null)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=300)
    angles: list[str] | None = Field(default=None, min_length=1, max_length=6)

    @field_validator("title", "angles", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null; leave the field out to keep it")
        return value


class MergeIn(BaseModel):
    """Two suggestions to merge: the second joins the first, which keeps its id."""

    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(min_length=2, max_length=2)
    title: str | None = Field(default=None, min_length=1, max_length=300)
