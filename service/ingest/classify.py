"""Classify columns: personal data, metadata, member segments, and each answer's kind."""

from __future__ import annotations

import html
import re
from collections import Counter

from service.ingest.schemas import QuestionKind

_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_MARKDOWN = re.compile(r"(\*\*|\*|__|_)(\S(?:.*?\S)?)\1")

_PERSONAL = re.compile(
    r"^(ip ?address|ip-adresse|e-?mail( ?address)?|emailaddress|first ?name|last ?name|"
    r"full ?name|name|recipient ?(first|last)? ?(name|email)|recipient.*|"
    r"external ?(data)? ?reference|externaldatareference|location ?(latitude|longitude|accuracy)|"
    r"latitude|longitude|network id|contact information.*|phone( number)?|mobile( number)?)$",
    re.IGNORECASE,
)
_PERSONAL_QUESTION = re.compile(
    r"\b(your (full |first |last )?name|your e-?mail|e-?mail address|phone number|"
    r"contact (information|details)|home address|mailing address)\b",
    re.IGNORECASE,
)
_METADATA = re.compile(
    r"^(timestamp|start ?date|end ?date|start time|completion time|last modified time|"
    r"collector ?id|status|progress|duration.*|finished|recorded ?date|response ?id|"
    r"response ?set|distribution ?channel|user ?language|custom data.*|#|id|"
    r"submit date.*|start date.*|stage date.*|response type|tags|total points|quiz feedback|"
    r"points - .*|feedback - .*|v\d+|respondent ?id|location ?accuracy)$",
    re.IGNORECASE,
)
_SEGMENTS = {
    "role": re.compile(r"\b(role|job title|title|position)\b", re.IGNORECASE),
    "level": re.compile(r"\b(level|seniority|grade)\b", re.IGNORECASE),
    "experience": re.compile(r"\b(experience|tenure|years)\b", re.IGNORECASE),
    "function": re.compile(r"\b(department|function|team|division)\b", re.IGNORECASE),
}
_NPS = re.compile(r"\b(recommend|likely)\b", re.IGNORECASE)
_LIKERT = re.compile(
    r"(satisf|agree|rate|rating|scale|\(\s*1\s*[-–]\s*[57]\s*\)|how (much|well|useful|helpful))",
    re.IGNORECASE,
)
_YES_NO_QUESTION = re.compile(r"^(are|is|do|did|have|has|was|were|will|would|can)\b", re.I)
_YES = {"yes", "y", "true", "oui", "ja"}
_NO = {"no", "n", "false", "non", "nein"}
_CHOICE_QUESTION = re.compile(
    r"(^which\b|\bselect\b|\bchoose\b|\bpick\b|\b(role|job title|level|seniority|"
    r"experience|tenure|department|function|team|division|country|state|gender|age)\b)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$")


def clean_header(text: str) -> str:
    """Strip HTML, markdown emphasis, NULs and odd spaces from a column header."""
    text = text.replace("\x00", "").replace("<br>", " ").replace("<br/>", " ")
    text = html.unescape(_TAGS.sub("", text))
    text = _MARKDOWN.sub(r"\2", text)
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def is_personal_header(header: str) -> bool:
    """True for columns that hold who someone is (never stored)."""
    return bool(_PERSONAL.match(header) or _PERSONAL_QUESTION.search(header))


def is_metadata_header(header: str) -> bool:
    """True for the tool's own bookkeeping columns."""
    return bool(_METADATA.match(header))


def segment_of(header: str, values: list[str]) -> str | None:
    """Which member segment a choice-like column describes, if any."""
    if infer_kind(header, values) not in (QuestionKind.SINGLE_CHOICE, QuestionKind.NUMERIC):
        return None
    for name, pattern in _SEGMENTS.items():
        if pattern.search(header):
            return name
    return None


def parse_number(value: str) -> float | None:
    """Read a plain number; commas as decimal separators are accepted."""
    value = value.strip()
    if not _NUMBER.match(value):
        return None
    return float(value.replace(",", "."))


def yes_no_value(value: str) -> bool | None:
    """Read a yes/no answer."""
    lowered = value.strip().lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    return None


def split_multi(value: str, separator: str, options: set[str] | None = None) -> list[str]:
    """Split a joined multi-select answer, re-joining labels that contain the separator."""
    parts = [p.strip() for p in value.split(separator)]
    parts = [p for p in parts if p]
    if not options:
        return parts
    joined: list[str] = []
    index = 0
    while index < len(parts):
        for end in range(len(parts), index, -1):
            candidate = separator.join(parts[index:end])
            if candidate in options:
                joined.append(candidate)
                index = end
                break
        else:
            joined.append(parts[index])
            index += 1
    return joined


def _looks_multi(values: list[str], separator: str) -> bool:
    with_sep = [v for v in values if separator.strip() in v]
    if not with_sep:
        return False
    tokens = Counter(t for v in values for t in split_multi(v, separator))
    words = sum(len(t.split()) for t in tokens.elements()) / max(1, sum(tokens.values()))
    repeated = sum(1 for count in tokens.values() if count > 1)
    return words <= 4 and repeated >= max(1, len(tokens) // 3)


def infer_kind(header: str, values: list[str]) -> QuestionKind:
    """Infer a column's kind from its header and its non-empty values."""
    present = [v.strip() for v in values if v and v.strip()]
    if not present:
        return QuestionKind.FREE_TEXT
    if all(yes_no_value(v) is not None for v in present):
        return QuestionKind.YES_NO
    numbers = [parse_number(v) for v in present]
    if all(n is not None for n in numbers):
        return _numeric_kind(header, [n for n in numbers if n is not None])
    if all(v.endswith(";") for v in present):
        return QuestionKind.MULTI_CHOICE
    if _looks_multi(present, ", "):
        return QuestionKind.MULTI_CHOICE
    words = sum(len(v.split()) for v in present) / len(present)
    if words >= 5 or max(len(v) for v in present) > 60:
        return QuestionKind.FREE_TEXT
    distinct = len(set(present))
    if distinct <= 20 and distinct <= 0.6 * len(present):
        return QuestionKind.SINGLE_CHOICE
    if len(present) < 10 and (distinct < len(present) or _CHOICE_QUESTION.search(header)):
        return QuestionKind.SINGLE_CHOICE
    return QuestionKind.FREE_TEXT


def _numeric_kind(header: str, numbers: list[float]) -> QuestionKind:
    integral = all(n.is_integer() for n in numbers)
    low, high = min(numbers), max(numbers)
    if integral and set(numbers) <= {0.0, 1.0} and _YES_NO_QUESTION.match(header):
        return QuestionKind.YES_NO
    if integral and 0 <= low and high <= 10 and _NPS.search(header):
        return QuestionKind.NPS
    if integral and 1 <= low and high <= 10 and _LIKERT.search(header):
        return QuestionKind.LIKERT
    return QuestionKind.NUMERIC
