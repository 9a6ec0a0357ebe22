"""ID numbers found on tokens with spaCy's ``Matcher``.

Two shapes: a letter prefix and four or more digits (``X-12345``, ``E12345``, ``AB-1234567``), and
digits after a lead-in word (``badge 55120``, ``student number 20231187``, ``#88213``). Business
codes about no person stay: a prefix on the allow-list (``PO-12345``, ``INV-2024-001``; the setting
``privacy.id_allow_prefixes``) or a word before the code that names a thing (``Room B-1204``,
``flight BA2490``). The span is the value only; lead-in words stay outside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from service.privacy.lazy import tag

# A letter prefix glued to digits, with an optional hyphen: X-12345, E12345, AB-1234567, CTR-0091.
# The tokenizer leaves a full stop on a code at the end of a sentence (``A1234567B.``); the
# span stops before it.
_CODE = r"^[A-Z]{1,4}-?\d{4,}[A-Z]?\.?$"
_VALUE = r"^(?:[A-Za-z]{1,4}-?)?\d{4,}[A-Za-z]?\.?$"
# Words that say the number is about a person; directly before a code they outweigh the
# allow-list (``visitor pass V-20391``, ``badge INC-4471`` is a badge).
PERSON_LEAD_INS = frozenset(
    """badge badges employee employees staff student students profile member membership payroll
    personnel contractor matriculation visitor""".split()
)
LEAD_INS = PERSON_LEAD_INS | {"id", "ids"}
_GROUPED_LEAD_INS = frozenset(
    "aadhaar nhs ssn passport licence license nino ni cpf sss nin tin sin bsn tfn ird pps pesel"
    " curp".split()
)
_FILLERS = frozenset("number no no. num nr # id is was : - ( code card pass ref".split())
# Words before a code that make it a thing, not a person's number.
THING_BEFORE = frozenset(
    """room rm flight gate invoice po order purchase page version model meeting webinar conference
    cost centre center budget line project sku part item build release table seat platform route
    bus train aisle floor building bldg desk ext extension ticket case lot batch serial incident
    claim policy
    change request requisition contract supplier vendor asset tag expense tracking parcel quote
    pr""".split()
)
_PREFIX = re.compile(r"^[A-Z]+")
# Nouns for people: a code after one of them is that person's number (``candidate C-20931``).
PERSON_NOUNS = frozenset(
    """candidate applicant patient user customer client tenant resident volunteer pupil learner
    participant respondent attendee guest worker driver officer member staff employee student
    contractor visitor person account reference ref case starter joiner leaver hire colleague
    manager intern trainee apprentice teammate passenger traveller traveler caller holder
    cardholder owner recipient beneficiary claimant subscriber player child kid son daughter
    parent delegate casual""".split()
)
_NOT_A_NAMING_NOUN = frozenset("number no num nr id code".split())
# ``booking ref``, ``course code``, ``support case``: the word before the reference says whose it
# is; these things belong to no person.
_REFERENCE_WORDS = frozenset("ref reference case code number no".split())
_THINGS_REFERENCED = frozenset(
    """booking course module order purchase support service shipment delivery reservation
    confirmation hotel flight travel project product tracking parcel invoice ticket
    programme program event venue room serial policy claim court file""".split()
)
# Things that carry a person's number (``access card B-7781``, ``PAN ABCDE1234F``).
_PERSONAL_DOCUMENTS = frozenset(
    """card pass fob lanyard licence license passport permit visa pan ssn login username
    profile badge""".split()
)


# Words a few tokens before a code that make it a person's number whatever its prefix.
_ABOUT_A_PERSON = frozenset("hospital mrn locum nhs".split())


def about_a_person(doc: Doc, char_start: int) -> bool:
    """A person's lead-in within three words before the code, fillers between (``payroll no. is
    PR-118204``, ``hospital number H0098124``): the allow-list and naming nouns do not apply."""
    index = next((t.i for t in doc if t.idx >= char_start), len(doc)) - 1
    for token in reversed(list(doc[max(0, index - 3) : index + 1])):
        word = token.lower_
        if word in PERSON_LEAD_INS | _ABOUT_A_PERSON | {"pupil", "patient"}:
            return True
        if word not in _FILLERS | {"no", ".", ":"}:
            return False
    return False


def named_by_a_noun(doc: Doc, char_start: int, english: frozenset[str]) -> bool:
    """``Vacancy JR-20931``, ``Grant GR-2023-0042``, ``Policy POL-0042``: a code right after an
    English common noun that names no person is the number of that thing, not of someone.
    ``case`` and ``reference`` keep their codes redacted (an HR case is about a person)."""
    index = next((t.i for t in doc if t.idx >= char_start), len(doc)) - 1
    if index < 0:
        return False
    noun = doc[index]
    word = noun.lower_
    if word in _REFERENCE_WORDS and index and doc[index - 1].lower_ in _THINGS_REFERENCED:
        return True  # ``booking ref RB-20331``, ``course code ADM-4410``
    return (
        tag(noun) in {"NN", "NNS", "NNP"}
        and noun.is_alpha
        and len(word) >= 3  # ``id`` is tokenized as ``i`` ``d``
        and word in english
        and word not in PERSON_NOUNS | LEAD_INS | _PERSONAL_DOCUMENTS | _NOT_A_NAMING_NOUN
    )


def build_matcher(vocab: Vocab) -> Matcher:
    """The token patterns: ``ID_CODE`` (a letter prefix and digits) and ``ID_AFTER`` (a lead-in)."""
    matcher = Matcher(vocab)
    matcher.add("ID_CODE", [[{"TEXT": {"REGEX": _CODE}}]])
    matcher.add(
        "ID_AFTER",
        [
            [
                {"LOWER": {"IN": sorted(LEAD_INS)}},
                {"LOWER": {"IN": sorted(_FILLERS)}, "OP": "{0,4}"},
                {"TEXT": {"REGEX": _VALUE}},
            ],
            [{"TEXT": "#"}, {"TEXT": {"REGEX": r"^\d{4,}$"}}],
        ],
    )
    # Aadhaar 2345 6789 0123, NHS number 943 476 5919: digit groups after a lead-in.
    matcher.add(
        "ID_GROUPS",
        [
            [
                {"LOWER": {"IN": sorted(LEAD_INS | _GROUPED_LEAD_INS)}},
                {"LOWER": {"IN": sorted(_FILLERS)}, "OP": "{0,3}"},
                {"TEXT": {"REGEX": r"^\d{2,5}$"}},
                {"TEXT": {"REGEX": r"^\d{2,5}$"}, "OP": "{1,3}"},
            ]
        ],
        greedy="LONGEST",
    )
    return matcher


def is_allowed_code(value: str, allow_prefixes: Iterable[str]) -> bool:
    """Whether ``value`` starts with a business prefix on the allow-list (``INV-2024-001``)."""
    prefix = _PREFIX.match(value.upper())
    return prefix is not None and prefix.group() in set(allow_prefixes)


def find_ids(
    doc: Doc,
    matcher: Matcher,
    allow_prefixes: frozenset[str],
    english: frozenset[str] = frozenset(),
) -> list[tuple[int, int]]:
    """Character spans of ID values, longest match per value token, allow-listed codes left out."""
    spans: list[tuple[int, int]] = []
    decided: set[int] = set()
    # Longest first: ``staff number 0042 1187`` is one value, not ``0042`` alone.
    for match_id, start, end in sorted(matcher(doc), key=lambda m: m[1] - m[2]):
        first = end - 1
        if doc.vocab.strings[match_id] == "ID_GROUPS":
            first = next(i for i in range(start, end) if doc[i].is_digit)
        if decided & set(range(first, end)):
            continue
        decided.update(range(first, end))
        before = doc[start - 1].lower_.rstrip(".") if start else ""
        label = doc.vocab.strings[match_id]
        vouched = label != "ID_CODE" and doc[start].lower_ in PERSON_LEAD_INS
        if (
            before in THING_BEFORE
            or (is_allowed_code(doc[first].text, allow_prefixes) and not vouched)
            or (label == "ID_CODE" and named_by_a_noun(doc, doc[first].idx, english))
        ):
            continue
        last = _glued_tail(doc, end - 1)
        stop = doc[last].idx + len(doc[last].text.rstrip("."))
        spans.append((doc[first].idx, stop))
    return sorted(spans)


def _glued_tail(doc: Doc, index: int) -> int:
    """``HR-2024`` ``-`` ``00871``: extend over hyphen-digit pieces written without spaces."""
    last = index
    while (
        last + 2 < len(doc)
        and doc[last + 1].text == "-"
        and not doc[last].whitespace_
        and not doc[last + 1].whitespace_
        and doc[last + 2].text.isalnum()
    ):
        last += 2
    return last
