"""Person evidence found with spaCy's ``Matcher``: a title or role before a name (``our new CFO
Helena Marsh``, ``Dr Rautenbach``) and a verb of addressing, telling or asking before one
(``asked Priya to``, ``cc'd Tom``, ``thanks to Ana``, ``paired with Raj``).

A match only says where a name may start; the word there must still read as a name: a given name
or surname from the lexicons, a PERSON entity, or a proper noun that is no English word and no
other kind of entity. Weekdays, months in a date, products and teams are never names.
"""

from __future__ import annotations

from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from service.privacy.lexicons import (
    NOT_NAMES,
    TITLES,
    is_given_name,
    is_surname,
    looks_like_name_word,
)

ROLES = (
    frozenset(
        """ceo cfo coo cto cio cmo cpo chro cro cso ciso vp svp evp gm md manager director boss
    supervisor colleague coworker co-worker teammate mentor mentee coach lead assistant intern
    hire facilitator chair chairperson president founder cofounder co-founder analyst engineer
    recruiter consultant secretary treasurer trainer tutor teacher nurse doctor officer""".split()
    )
    | TITLES
    | {f"{t}." for t in TITLES}
)
VERBS = frozenset(
    """asked ask asking told tell telling thanked thank cc cc'd cced ccd bcc bcc'd bcced pinged
    ping pinging emailed emailing messaged texted phoned dm'd dmed called reminded remind invited
    introduced congratulated congrats welcomed welcome mentored mentoring coached coaching
    shadowed shadowing helped supported supporting onboarded onboarding replaced nudged""".split()
)
_HEADS_TO = frozenset(
    """thanks kudos shout-out shoutout shout credit props spoke speak speaking talked talk
    talking explained mentioned said reached""".split()
)
_HEADS_WITH = frozenset(
    """paired pair pairing worked working met meet meeting spoke talked chatted chat caught synced
    sync checked check sat collaborated partnered teamed""".split()
)
_OTHER_ENTS = frozenset(
    "ORG PRODUCT GPE LOC FAC NORP EVENT WORK_OF_ART DATE TIME LAW LANGUAGE MONEY".split()
)
_NAME = {"IS_TITLE": True}


def build_matcher(vocab: Vocab) -> Matcher:
    """``ROLE`` + name, ``VERB`` + name, ``thanks to`` / ``paired with`` + name (last token)."""
    matcher = Matcher(vocab)
    matcher.add("ROLE", [[{"LOWER": {"IN": sorted(ROLES)}}, {"TEXT": ",", "OP": "?"}, _NAME]])
    matcher.add("VERB", [[{"LOWER": {"IN": sorted(VERBS)}}, _NAME]])
    matcher.add(
        "PHRASE",
        [
            [
                {"LOWER": {"IN": sorted(_HEADS_TO)}},
                {"LOWER": {"IN": ["to", "out"]}, "OP": "{1,2}"},
                _NAME,
            ],
            [
                {"LOWER": {"IN": sorted(_HEADS_WITH)}},
                {"LOWER": "up", "OP": "?"},
                {"LOWER": "with"},
                _NAME,
            ],
        ],
    )
    return matcher


def name_starts(doc: Doc, matcher: Matcher, english: frozenset[str]) -> list[int]:
    """Token indices where the evidence says a name starts (the word there reads as a name)."""
    starts = set()
    for _, _, end in matcher(doc):
        index = end - 1
        if reads_as_name(doc[index], english):
            starts.add(index)
    return sorted(starts)


def reads_as_name(token: Token, english: frozenset[str]) -> bool:
    """A word after person evidence: a known name, a PERSON entity, or an unknown proper noun."""
    text = token.text
    if not looks_like_name_word(text) or token.lower_ in NOT_NAMES:
        return False
    if is_given_name(text) or is_surname(text) or token.ent_type_ == "PERSON":
        return token.ent_type_ not in {"DATE", "TIME"}
    return (
        token.tag_ in {"NNP", "NNPS"}
        and token.lower_ not in english
        and token.ent_type_ not in _OTHER_ENTS
    )
