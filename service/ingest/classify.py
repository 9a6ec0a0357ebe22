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

# A quantity as people type it into a short-answer box: "7", "7 yrs", "<1", "10+", "2-3",
# "about 3", "5 años", "8 ans", "6 months", "1 year 6 months", "less than a year".
_APPROX = (
    r"(?:about|approx\.?|approximately|around|roughly|almost|nearly|just over|just under|over|"
    r"under|less than|more than|at least|ca\.?|circa|environ|presque|plus de|moins de|unos|unas|"
    r"casi|m[aá]s de|menos de|cerca de|etwa|fast|[uü]ber|unter|mehr als|weniger als|quase|"
    r"mais de|circa|quasi)"
)
_DIGITS = r"(?:\d+(?:[.,]\d+)?\s*[½¼¾]?|[½¼¾])"
_WORD_NUMBER = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|a|an|"
    r"half an?|a few|few|a couple of|couple of|several|un|une|uno|una|dos|tres|cuatro|cinco|"
    r"seis|deux|trois|quatre|cinq|ein|eine|einem|zwei|drei|vier|f[uü]nf|um|uma|duas)"
)
_UNIT = (
    r"(?:y|yr|yrs|year|years|ys|a|ans?|ann[ée]es?|a[ñn]os?|anni|anno|jahre?n?|jaar|jaren|"
    r"m|mo|mos|mth|mths|months?|mois|mes|meses|mesi|monate?n?|maand(?:en)?|"
    r"w|wk|wks|weeks?|semaines?|semanas?|settimane|wochen?|d|days?|jours?|d[ií]as|giorni|tage?n?|"
    r"h|hr|hrs|hours?|heures?|horas?|ore|stunden?|mins?|minutes?|%|percent|people|ppl|persons?|"
    r"personnes?|personas?|pessoas|persone|personen|staff|times|x)\.?"
)
_RANGE = r"(?:\s*(?:-|–|—|to|a|à|bis|or|/)\s*" + _DIGITS + r")"
_SUFFIX = r"(?:\s*(?:\+|ish|or so|odd|plus|and a half|y medio|et demi|e meio|e mezzo))"
_AMOUNT = (
    rf"(?:{_APPROX}\s*)?(?:<=|>=|[<>≤≥~]|\+/-)?\s*"
    rf"(?:{_DIGITS}{_RANGE}?{_SUFFIX}?(?:\s*{_UNIT})?{_SUFFIX}?|"
    rf"{_WORD_NUMBER}{_RANGE}?\s+{_UNIT}{_SUFFIX}?)"
)
_QUANTITY = re.compile(
    rf"^{_AMOUNT}(?:\s*(?:,|and|y|et|e|und)?\s*{_AMOUNT})*\s*[.!]?$", re.IGNORECASE
)
_DATE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}:\d{2}")
#: Share of a column's answers that must read as quantities for the column to be numeric.
QUANTITY_SHARE = 0.8
# Words that make a short answer a sentence rather than a title or a label ("The reorg", "Too
# many meetings", "My boss", "I can't keep up").
_SENTENCE_WORDS = frozenset(
    "i i'm im i've me my mine we we're our us you your it it's its they their them he she his "
    "her is are was were be been being am have has had do does did don't doesn't didn't can "
    "can't cannot could would should will won't not no too very more less much many some any "
    "the a an this that these those there here so just still really".split()
)
_SENTENCE_END = re.compile(r"[.!?;:]\s*$|[.!?;]\s+\S")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Headers that ask for a title or a place, even as a question ("What is your job title?").
_TITLE_HEADER = re.compile(
    r"\b(role|job|title|position|occupation|profession|seniority|grade|department|division|"
    r"country|region|sector|industry)\b",
    re.IGNORECASE,
)
# Weaker cues, only for label-like headers ("Team", "Office location"): "What would help your
# team?" is an open question.
_LABEL_HEADER = re.compile(r"\b(level|function|team|office|site|location)\b", re.IGNORECASE)
_QUESTION_HEADER = re.compile(
    r"\?\s*$|^(what|why|how|which|who|where|when|describe|tell|share|anything|is there|"
    r"please|explain|list)\b",
    re.IGNORECASE,
)


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
    """Which member segment a choice-like column describes, if any.

    A column of amounts that counts years ("How many years have you been in your current
    role?", answered "7", "2-3", "10+") describes experience even when its header names the role.
    """
    kind = infer_kind(header, values)
    if kind not in (QuestionKind.SINGLE_CHOICE, QuestionKind.NUMERIC):
        return None
    if _SEGMENTS["experience"].search(header) and quantity_share(values) >= QUANTITY_SHARE:
        return "experience"
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
    if quantity_share(present) >= QUANTITY_SHARE:
        return QuestionKind.NUMERIC
    if looks_like_titles(header, present):
        return QuestionKind.SINGLE_CHOICE
    return QuestionKind.FREE_TEXT


def is_quantity(value: str) -> bool:
    """Whether a short answer reads as an amount: "7", "7 yrs", "<1", "10+", "2-3", "8 ans"."""
    value = value.strip()
    return bool(_QUANTITY.match(value)) and not _DATE_LIKE.search(value)


def quantity_share(values: list[str]) -> float:
    """Share of non-empty values that read as amounts (see :func:`is_quantity`)."""
    present = [v for v in values if v.strip()]
    return sum(is_quantity(v) for v in present) / len(present) if present else 0.0


def looks_like_titles(header: str, values: list[str]) -> bool:
    """Whether short answers name something (a job title, a team) rather than say something.

    Titles are a few words, end without sentence punctuation and carry no pronoun, auxiliary,
    negation or article ("Executive Assistant", "EA to CFO", "office manager"); short answers to
    an open question usually do ("Budgets.", "The reorg", "Too many meetings"). A header that
    asks for a role, a department or a country is enough with such values; otherwise the header
    must not ask an open question and must name a team or a place, or the words must repeat from
    answer to answer.
    """
    present = [v.strip() for v in values if v.strip()]
    if len(present) < 5:
        return False
    words = [[w.lower() for w in _WORD.findall(v)] for v in present]
    if sum(map(len, words)) / len(present) > 4 or max(map(len, words)) > 7:
        return False
    sentence_like = sum(
        bool(_SENTENCE_END.search(v)) or any(w in _SENTENCE_WORDS for w in ws)
        for v, ws in zip(present, words, strict=True)
    )
    if sentence_like > 0.15 * len(present):
        return False
    if _TITLE_HEADER.search(header):
        return True
    if _QUESTION_HEADER.search(header):
        return False
    return bool(_LABEL_HEADER.search(header)) or _repeated_vocabulary(words) >= 0.6


def _repeated_vocabulary(words: list[list[str]]) -> float:
    """Share of words that also occur in another answer (distinct answers counted once)."""
    distinct = {tuple(ws) for ws in words if ws}
    answers_with = Counter(w for ws in distinct for w in set(ws))
    total = sum(len(ws) for ws in distinct)
    return sum(answers_with[w] > 1 for ws in distinct for w in ws) / total if total else 0.0


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
