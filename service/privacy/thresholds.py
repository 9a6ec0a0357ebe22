"""Minimum group sizes: suppression of small groups and of groups that differencing would reveal."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

ANSWER_READERS = frozenset({"committee", "facilitator", "admin"})
"""Roles that may read members' words (quotes); viewers (sponsors, observers) see figures and
labels only."""
ANSWER_TEXT_KEYS = frozenset({"quotes", "examples", "sentences", "representative", "summary"})
"""Keys under which an output carries sentences members wrote (a quote, an example, a theme's
summary, which is built from its answers)."""

# Phrases that narrow a quote to a tiny group: "as the only EA in Legal", "I'm the sole admin".
NARROWING = re.compile(
    r"\b(?:the\s+only|the\s+sole|the\s+one\s+(?:and\s+only\s+)?(?:person|admin|assistant|ea|pa)|"
    r"only\s+(?:one|person|admin|assistant|ea|pa)\s+(?:in|on|at|for)|just\s+me\s+in|"
    r"i(?:'m| am)\s+(?:the\s+)?(?:only|sole|first|newest|longest-serving)|"
    r"(?:first|only)\s+(?:woman|man|person\s+of\s+colou?r|parent|hire)\s+(?:in|on)|"
    r"my\s+(?:wheelchair|pregnancy|diagnosis|disability|visa))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cell:
    """A figure about one group, or the statement that it is suppressed."""

    group: str
    count: int | None
    value: float | None = None
    suppressed: bool = False
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape every output uses."""
        return {
            "group": self.group,
            "count": self.count,
            "value": self.value,
            "suppressed": self.suppressed,
            "note": self.note,
        }


def may_read_answers(role: str) -> bool:
    """Whether ``role`` may read members' words: the committee, facilitators and admins.

    A viewer (a sponsor, an observer) sees figures and labels (theme labels, key phrases, the
    barrier phrases a fixed rule picks out) but never a member's sentence: no quote, no example.
    """
    return str(role) in ANSWER_READERS


def without_answer_text(payload: Any, role: str) -> Any:
    """``payload`` as ``role`` may see it: the one rule every output (API, pages, digest) applies.

    For a role that may not read answers, every value under an answer-text key
    (:data:`ANSWER_TEXT_KEYS`), at any depth, becomes an empty list; the shape stays the same.
    """
    if may_read_answers(role):
        return payload
    return _strip(payload)


def _strip(payload: Any) -> Any:
    if isinstance(payload, Mapping):
        return {k: ([] if k in ANSWER_TEXT_KEYS else _strip(v)) for k, v in payload.items()}
    if isinstance(payload, list | tuple):
        return [_strip(item) for item in payload]
    return payload


@dataclass(frozen=True)
class Headcount:
    """How many are in a group, counted so that a figure never claims more people than it can.

    ``members`` are distinct respondents known by an identifier; ``unidentified`` are responses
    from exports without one (an anonymous web link, Typeform without hidden fields): each such
    response may come from anyone, including a member already counted, so it is counted as a
    response. A group with any unidentified response is described in responses.
    """

    members: int
    unidentified: int = 0
    responses: int | None = None

    @property
    def size(self) -> int:
        """The figure shown and the size the minimum group is checked against.

        Identified members count once however often they answered; each unidentified response
        counts once; when the figure is a count of responses (``responses`` given), the smaller
        of that and the people count is used, so a member answering twice is not two.
        """
        people = self.members + self.unidentified
        return people if self.responses is None else min(people, self.responses)

    @property
    def noun(self) -> str:
        """``members``, or ``responses`` when some cannot be told apart as people."""
        return "responses" if self.unidentified else "members"


@dataclass(frozen=True)
class Quote:
    """A redacted quote ready to show, with no time finer than its week."""

    text: str
    week: str
    flagged: bool = False


def iso_week(moment: datetime | date | None) -> str:
    """``2026-W37``: the finest time a quote or figure may carry."""
    if moment is None:
        return "unknown"
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


class Thresholds(Protocol):
    """The two settings the rules read (``service.config.Settings`` has them)."""

    @property
    def min_group_size(self) -> int: ...  # noqa: D102

    @property
    def min_quote_group_size(self) -> int: ...  # noqa: D102


class Confidentiality:
    """The one place that decides what may be shown about groups and quotes."""

    def __init__(self, *, min_group: int, min_quote_group: int) -> None:
        self.min_group = min_group
        self.min_quote_group = min_quote_group

    @classmethod
    def from_settings(cls, settings: Thresholds) -> Confidentiality:
        """The rules of the configured minimum group and minimum quote group."""
        return cls(min_group=settings.min_group_size, min_quote_group=settings.min_quote_group_size)

    def note(self) -> str:
        """What a suppressed cell says instead of a number."""
        return f"fewer than {self.min_group} responses"

    def headcount(
        self, members: int, unidentified: int = 0, *, responses: int | None = None
    ) -> Headcount:
        """The one way every output counts a group for the minimum (see :class:`Headcount`)."""
        return Headcount(members, unidentified, responses)

    def may_show_group(self, count: Headcount) -> bool:
        """Whether figures about the group may be shown: it is empty or reaches the minimum."""
        return count.size == 0 or count.size >= self.min_group

    def describe(self, count: Headcount) -> str:
        """``12 members``, ``12 responses``, or ``fewer than 5 members`` under the minimum."""
        if not self.may_show_group(count):
            return f"fewer than {self.min_group} {count.noun}"
        return f"{count.size} {count.noun}"

    def cells(
        self,
        counts: Mapping[str, int],
        *,
        total: int | None = None,
        values: Mapping[str, float | None] | None = None,
    ) -> list[Cell]:
        """Figures per group of one dimension, with primary, complement and secondary suppression.

        ``counts`` are the people (or responses) in each group; ``total`` is the parent's size when
        the parent figure is published too. A group is hidden when it is below the minimum, when
        the rest of its parent is (so subtracting it from the parent would reveal a small group),
        and, when exactly one group is hidden but the total is known, the next smallest group is
        hidden too, so that no hidden count can be recovered by subtraction.
        """
        hidden = {g for g, n in counts.items() if n < self.min_group}
        if total is not None:
            hidden |= {g for g, n in counts.items() if 0 < total - n < self.min_group}
            hidden |= self._secondary(counts, hidden, residual=total - sum(counts.values()))
        values = values or {}
        return [
            Cell(g, None, None, True, self.note()) if g in hidden else Cell(g, n, values.get(g))
            for g, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    def _secondary(self, counts: Mapping[str, int], hidden: set[str], *, residual: int) -> set[str]:
        """Hide more groups until what subtraction from the total reveals is not a small group.

        The residual (members in no listed group) acts as one more hidden group.
        """
        small_residual = 0 < residual < self.min_group
        if not hidden and not small_residual:
            return set()
        extra: set[str] = set()
        visible = sorted((n, g) for g, n in counts.items() if g not in hidden)
        hidden_sum = sum(counts[g] for g in hidden) + max(residual, 0)
        groups = len(hidden) + (residual > 0)
        while visible and (groups < 2 or hidden_sum < self.min_group):
            count, group = visible.pop(0)
            extra.add(group)
            hidden_sum += count
            groups += 1
        return extra

    def figure(self, group_size: int, value: float | None, *, label: str = "all") -> Cell:
        """One figure (count, share, score or trend) about a group of ``group_size``."""
        if group_size < self.min_group:
            return Cell(label, None, None, True, self.note())
        return Cell(label, group_size, value)

    def may_show_part(self, part: int, whole: int) -> bool:
        """Whether a count of ``part`` out of a group of ``whole`` may be shown.

        The part and the rest of the group must each be none or at least the minimum: "6 of 7
        members are worried" would single out the seventh.
        """
        rest = whole - part
        return all(n == 0 or n >= self.min_group for n in (part, rest))

    def may_quote(self, segment_size: int | None) -> bool:
        """Quotes attributed to a segment need a larger group; unattributed quotes need none."""
        return segment_size is None or segment_size >= self.min_quote_group

    def quotes(
        self,
        items: Sequence[tuple[str, datetime | date | None]],
        *,
        segment_size: int | None = None,
        seed: int = 0,
        keep_flagged: bool = False,
    ) -> list[Quote]:
        """Redacted quotes, shuffled, with week-level time; narrowing quotes withheld or flagged."""
        if not self.may_quote(segment_size):
            return []
        quotes = [Quote(text, iso_week(when), bool(NARROWING.search(text))) for text, when in items]
        if not keep_flagged:
            quotes = [q for q in quotes if not q.flagged]
        random.Random(seed).shuffle(quotes)
        return quotes
