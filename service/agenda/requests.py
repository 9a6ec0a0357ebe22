"""What members explicitly asked to discuss: ticked topic options and free-text requests.

Two sources:

- **Choice questions** whose text asks for topics ("Which topics would you like to discuss at
  the next session?", :func:`is_request_question`): every ticked option is a request by that
  member. An option is matched to the theme whose label and key phrases share its most
  distinctive words (:func:`match_option`); an option no theme covers stays a request of its own.
- **Free-text requests** ("I'd love a session on...", "Could we discuss...", a facilitator's
  "Asked for a session on...", :func:`is_request`): the unit's theme is the requested topic.

Each member counts once per topic, and only answers from the latest :data:`WINDOW_WEEKS` weeks
count, so last term's wishes do not steer next week's agenda.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from service.agenda.schemas import ChoiceAnswer, ThemeView, UnitView
from service.nlp.stems import content_stems

WINDOW_WEEKS = 4

_QUESTION = re.compile(
    r"\b(?:discuss\w*|talk\s+about|cover(?:ed)?|topics?|agenda|hear\s+about|learn\s+(?:about|more)|"
    r"next\s+session|future\s+sessions?|sessions?\s+on)\b",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    r"(?:\b(?:i'?d|i\s+would|we'?d|we\s+would|i'?d\s+really|would)\s+(?:really\s+)?"
    r"(?:love|like|welcome|appreciate|enjoy)\s+(?:to\s+(?:discuss|talk|hear|learn|cover|explore|"
    r"share|compare)|a\s+session|an?\s+(?:\w+\s+)?(?:session|talk|discussion|workshop|chat|"
    r"deep[\s-]dive|panel)|some\s+(?:tips|time|help|ideas|discussion)|(?:us|the\s+group)\s+to)|"
    r"\b(?:could|can|should|shall)\s+(?:we|the\s+group)\s+(?:please\s+)?(?:discuss|talk|cover|"
    r"have\s+a\s+(?:session|talk|chat|discussion)|share|spend|look\s+at|do\s+a\s+session)|"
    r"\basked\s+(?:for|whether|if)\s+(?:a\s+session|the\s+group|we|a\s+talk|a\s+discussion|"
    r"tips|time)|"
    r"\b(?:next|a\s+future|a)\s+session\s+(?:should|could|on|about)\b|"
    r"\bit\s+would\s+be\s+(?:great|good|helpful|nice|useful)\s+to\s+(?:discuss|talk|hear|learn|"
    r"cover|share|have\s+a\s+session)|"
    r"\bsuggest(?:ion)?\s+(?:for\s+)?(?:a\s+)?(?:topic|session)\b|\btopic\s+idea\b|"
    r"\b(?:please|pls)\s+(?:cover|discuss|talk\s+about|add)\b)",
    re.IGNORECASE,
)


def is_request_question(text: str) -> bool:
    """True for a question that asks members which topics to discuss."""
    return bool(_QUESTION.search(text))


def is_request(text: str) -> bool:
    """True when a unit of free text asks for a topic to be discussed."""
    return bool(_REQUEST.search(text))


def match_option(option: str, themes: Sequence[ThemeView]) -> int | None:
    """The theme an option label is about, or None.

    A word counts ``1 / (themes that use it)``, so "executives" (in many themes) weighs less
    than "offsite" (in one); the best theme needs a weight of at least 0.5 and must beat the
    runner-up.
    """
    words = {t.id: content_stems(" ".join([t.label, *t.keywords])) for t in themes}
    frequency: dict[str, int] = defaultdict(int)
    for stems in words.values():
        for word in stems:
            frequency[word] += 1
    wanted = content_stems(option)
    weights = sorted(
        ((sum(1 / frequency[w] for w in wanted & words[t.id]), t.id) for t in themes), reverse=True
    )
    if not weights or weights[0][0] < 0.5:
        return None
    if len(weights) > 1 and weights[1][0] >= weights[0][0]:
        return None  # a tie: the option does not say which theme it means
    return weights[0][1]


def _monday(week: str) -> date | None:
    match = re.fullmatch(r"(\d{4})-W(\d{2})", week or "")
    if match is None:
        return None
    try:
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return None


def recent_weeks(weeks: Iterable[str], window: int = WINDOW_WEEKS) -> set[str]:
    """The ISO weeks among ``weeks`` within ``window`` calendar weeks of the latest one."""
    mondays = {w: m for w in set(weeks) if (m := _monday(w)) is not None}
    if not mondays:
        return set()
    start = max(mondays.values()) - timedelta(weeks=window - 1)
    return {w for w, monday in mondays.items() if monday >= start}


def requesters(
    themes: Sequence[ThemeView],
    units: Sequence[UnitView],
    answers: Sequence[ChoiceAnswer],
    *,
    window: int = WINDOW_WEEKS,
) -> tuple[dict[int, set[int]], dict[str, set[int]]]:
    """Members who asked for each theme, and for each option no theme covers.

    Returns:
        ``(by theme id, by unmatched option label)``, each a set of respondent ids.
    """
    by_theme: dict[int, set[int]] = defaultdict(set)
    unmatched: dict[str, set[int]] = defaultdict(set)
    recent = recent_weeks([u.week for u in units] + [a.week for a in answers], window)
    for unit in units:
        if (
            unit.theme_id is not None
            and (not recent or unit.week in recent)
            and is_request(unit.text)
        ):
            by_theme[unit.theme_id].add(unit.respondent_id)
    matched: dict[str, int | None] = {}
    for answer in answers:
        if not is_request_question(answer.question) or (recent and answer.week not in recent):
            continue
        for option in answer.choices:
            label = str(option).strip()
            if not label:
                continue
            if label not in matched:
                matched[label] = match_option(label, themes)
            theme_id = matched[label]
            if theme_id is None:
                unmatched[label].add(answer.respondent_id)
            else:
                by_theme[theme_id].add(answer.respondent_id)
    return dict(by_theme), dict(unmatched)


def request_counts(by_theme: Mapping[int, set[int]]) -> dict[int, int]:
    """Requesting members per theme."""
    return {theme: len(members) for theme, members in by_theme.items()}
