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
    AMBIGUOUS,
    DEPARTMENTS,
    NOT_NAMES,
    TITLES,
    is_english,
    is_given_name,
    is_surname,
    looks_like_name_word,
    name_words,
)
from service.privacy.things import NOT_NAME_TAGS

ROLES = (
    frozenset(
        """ceo cfo coo cto cio cmo cpo chro cro cso ciso vp svp evp gm md manager director boss
    supervisor colleague coworker co-worker teammate mentor mentee coach lead assistant intern
    hire facilitator chair chairperson president founder cofounder co-founder analyst engineer
    recruiter consultant secretary treasurer trainer tutor teacher nurse doctor officer
    accountant receptionist administrator coordinator bookkeeper technician cleaner caretaker
    janitor paralegal volunteer trainee apprentice rep representative planner organiser
    organizer buddy""".split()
    )
    | TITLES
    | {f"{t}." for t in TITLES}
)
VERBS = frozenset(
    """asked ask asking told tell telling thanked thank cc cc'd cced ccd bcc bcc'd bcced pinged
    ping pinging emailed emailing messaged texted phoned dm'd dmed called reminded remind invited
    introduced congratulated congrats welcomed welcome mentored mentoring coached coaching
    shadowed shadowing helped supported supporting onboarded onboarding replaced nudged cc'ing
    ccing rang ring""".split()
)
_HEADS_TO = frozenset(
    """thanks kudos shout-out shoutout shout credit props spoke speak speaking talked talk
    talking explained mentioned said reached""".split()
)
# ``belongs to Tomasz``, ``handed it over to Ingrid``: a place after these is rarer, but after
# them the word must not be tagged as one (``assigned to Berlin``).
_HEADS_TO_WEAK = frozenset(
    """belongs belong belonged handed hand assigned reassigned delegated reports report
    reported reporting""".split()
)
_HEADS_WITH = frozenset(
    """paired pair pairing worked working met meet meeting spoke talked chatted chat caught synced
    sync checked check sat collaborated partnered teamed""".split()
)
_OTHER_ENTS = frozenset(
    "ORG PRODUCT GPE LOC FAC NORP EVENT WORK_OF_ART DATE TIME LAW LANGUAGE MONEY".split()
)
_NAME = {"IS_TITLE": True}
# A name written in lower case (``asked priya to``): only a given name from the lexicons that is
# no English word counts (``reads_as_lower_name``).
_LOWER = {"IS_LOWER": True, "IS_ALPHA": True, "LENGTH": {">=": 3}}
_LOWER_SHORT = {"IS_LOWER": True, "IS_ALPHA": True, "LENGTH": {">=": 2}}
_SAID = frozenset("said says told asked mentioned emailed called thinks wants suggested".split())
_END = {"TEXT": {"IN": [",", "!", ".", ":", "—", "-"]}}
_UNITS = frozenset("office team branch site department depot store hub".split())
_DASHES = frozenset({"-", "–", "—", "~"})
# ``need Farah to sign``, ``waiting for olusegun to send``: someone asked to do something.
_TO_DO = frozenset("for need needs needed ask get got want wants wanted remind".split())
_FINITE = {"TAG": {"IN": ["VBZ", "VBD", "MD"]}}
# ``heard from Eilidh``, ``a note from Saoirse``: word from someone.
_HEADS_FROM = frozenset("heard hear hearing note message word update email call".split())
# ``Sunny, can you send the slides?``: a name addressed at the start of a request.
_REQUESTS = frozenset(
    "can could would will please pls plz thanks thank do did are have any when".split()
)
_GREETINGS = frozenset(
    "hi hello hey dear thanks thx cheers morning congrats congratulations welcome bye".split()
)
_PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
_NOT_BEFORE_PAIR = frozenset(
    "at in to from near on the a an this that our my your their you thanks thank".split()
)


def build_matcher(vocab: Vocab) -> Matcher:
    """Patterns whose label says which token may start a name.

    ``ROLE``, ``VERB``, ``PHRASE``: the last token (``our CFO Helena``, ``asked Priya``,
    ``thanks to Ana``); ``ROLE_OF``: the first given name after ``of`` (``VP of Sales Dmitri``);
    ``PAIR``: the first token (``Nkechi and I``); ``GREETING``: the token before the punctuation
    (``Hi Mark,``).
    """
    matcher = Matcher(vocab)
    matcher.add("ROLE", [[{"LOWER": {"IN": sorted(ROLES)}}, {"TEXT": ",", "OP": "?"}, _NAME]])
    matcher.add(
        "ROLE_OF",
        [[{"LOWER": {"IN": sorted(ROLES | {"head", "chief"})}}, {"LOWER": "of"}, _NAME, _NAME]],
    )
    matcher.add("VERB", [[{"LOWER": {"IN": sorted(VERBS)}}, _NAME]])
    matcher.add(
        "PHRASE",
        [
            [
                {"LOWER": {"IN": sorted(_HEADS_TO | {"out"})}},
                {"LOWER": {"IN": ["to", "out"]}, "OP": "{1,2}"},
                _NAME,
            ],
            [
                {"LOWER": {"IN": sorted(_HEADS_WITH)}},
                {"LOWER": {"IN": ["up", "in"]}, "OP": "?"},
                {"LOWER": "with"},
                _NAME,
            ],
            [{"LOWER": {"IN": ["loop", "looped", "looping"]}}, {"LOWER": "in"}, _NAME],
        ],
    )
    matcher.add(
        "TO_WEAK",
        [
            [
                {"LOWER": {"IN": sorted(_HEADS_TO_WEAK)}},
                {"LOWER": {"IN": ["to", "over"]}, "OP": "{1,2}"},
                _NAME,
            ]
        ],
    )
    matcher.add("FROM", [[{"LOWER": {"IN": sorted(_HEADS_FROM)}}, {"LOWER": "from"}, _NAME]])
    # ``Will is leading``, ``Will said``: the modal never comes before a finite verb.
    matcher.add("MODAL_NAME", [[{"TEXT": "Will"}, {"TAG": {"IN": ["VBZ", "VBD"]}}]])
    matcher.add("VOCATIVE", [[_NAME, {"TEXT": ","}, {"LOWER": {"IN": sorted(_REQUESTS)}}]])
    matcher.add("PAIR", [[_NAME, {"LOWER": "and"}, {"LOWER": {"IN": ["i", "me"]}}]])
    # ``That's all from me. - Marguerite``: a name signed after a dash at the end.
    matcher.add("SIGNOFF", [[{"TEXT": {"IN": sorted(_DASHES)}}, _NAME]])
    _add_lower_case(matcher)
    matcher.add(
        "GREETING",
        [[{"LOWER": {"IN": sorted(_GREETINGS)}}, {"TEXT": ",", "OP": "?"}, _NAME, _END]],
    )
    return matcher


def _add_lower_case(matcher: Matcher) -> None:
    """The same evidence before a name written in lower case (``told sam``, ``hi priya,``)."""
    matcher.add("LOWER_VERB", [[{"LOWER": {"IN": sorted(VERBS)}}, _LOWER]])
    matcher.add(
        "LOWER_VERB",
        [
            [{"LOWER": {"IN": sorted(_HEADS_TO | {"out"})}}, {"LOWER": "to"}, _LOWER],
            [{"LOWER": {"IN": sorted(_HEADS_WITH)}}, {"LOWER": "with"}, _LOWER],
            [{"LOWER": {"IN": sorted(_GREETINGS)}}, {"TEXT": ",", "OP": "?"}, _LOWER, _END],
            [{"LOWER": {"IN": sorted(ROLES - TITLES)}}, _LOWER],
        ],
    )
    matcher.add("LOWER_FIRST", [[_LOWER, {"LOWER": {"IN": sorted(_SAID)}}]])
    # ``not sure why brett gets``, ``i think gráinne should``: a subject before a finite verb
    # (only a given name that is no English word; see ``reads_as_lower_name``).
    matcher.add("LOWER_FIRST", [[_LOWER, _FINITE]])
    # ``helena marsh has been``: a lower-case given name and surname before a verb
    matcher.add("LOWER_FULL", [[_LOWER, _LOWER, {"TAG": {"REGEX": "^(VB|MD)"}}]])
    matcher.add(
        "LOWER_VERB",
        [
            [{"LOWER": {"IN": sorted(_HEADS_FROM)}}, {"LOWER": "from"}, _LOWER],
        ],
    )
    matcher.add(
        "LOWER_MID",
        [[{"LOWER": {"IN": ["thanks", "thank", "cheers", "ta"]}}, _LOWER, {"LOWER": "for"}]],
    )
    matcher.add(
        "LOWER_FIRST",
        [[_LOWER_SHORT, {"LOWER": {"IN": ["from", "in"]}}, {"LOWER": {"IN": sorted(DEPARTMENTS)}}]],
    )
    matcher.add(
        "LOWER_TO_DO",
        [[{"LOWER": {"IN": sorted(_TO_DO)}}, _LOWER, {"LOWER": "to"}, {"TAG": "VB"}]],
    )
    matcher.add("LOWER_FIRST", [[_LOWER, {"LOWER": "and"}, {"LOWER": {"IN": ["i", "me"]}}]])
    matcher.add("LOWER_VERB", [[{"LOWER": "me"}, {"LOWER": "and"}, _LOWER]])
    matcher.add("LOWER_VERB", [[{"LOWER": {"IN": ["for", "need", "needs"]}}, _LOWER]])
    # ``Will from payroll``, ``Bill in facilities``: a person introduced by their department.
    matcher.add(
        "DEPARTMENT",
        [
            [_NAME, {"LOWER": {"IN": ["from", "in"]}}, {"LOWER": {"IN": sorted(DEPARTMENTS)}}],
            # ``Patience from the Accra office``, ``Kojo in the Leeds team``
            [
                _NAME,
                {"LOWER": {"IN": ["from", "in", "at"]}},
                {"LOWER": {"IN": ["the", "our"]}},
                {"IS_TITLE": True},
                {"LOWER": {"IN": sorted(_UNITS)}},
            ],
        ],
    )


def name_starts(doc: Doc, matcher: Matcher, english: frozenset[str]) -> list[int]:
    """Token indices where the evidence says a name starts (the word there reads as a name)."""
    starts = set()
    for match_id, start, end in matcher(doc):
        label = doc.vocab.strings[match_id]
        if label.startswith("LOWER"):
            lower = _lower_name_index(doc, label, start, end, english)
            starts.update([] if lower is None else [lower])
            continue
        if label == "ROLE_OF":
            index = _first_given_name(doc, start + 2, min(end + 2, len(doc)))
        elif label == "PAIR" and start and doc[start - 1].lower_ in _NOT_BEFORE_PAIR:
            continue  # ``at Columbia and I``, ``thank you Reddit and I'm``
        elif label == "VOCATIVE" and not (start == 0 or doc[start - 1].text in {".", "!", "?"}):
            continue
        elif label == "SIGNOFF" and not _at_the_end(doc, end):
            continue
        elif label == "DEPARTMENT" and _after_glued_hyphen(doc[start]):
            continue  # ``Wi-Fi in the London office``
        else:
            index = _name_index(label, start, end)
        weak = label in {"GREETING", "TO_WEAK", "SIGNOFF", "FROM", "VOCATIVE"}
        if index is not None and reads_as_name(doc[index], english, weak=weak):
            starts.add(index)
    return sorted(starts)


def _name_index(label: str, start: int, end: int) -> int:
    """Where the name is in a match: first (``Nkechi and I``), before the greeting's comma
    (``Hi Mark,``) or last (``asked Priya``)."""
    if label in {"PAIR", "DEPARTMENT", "VOCATIVE", "MODAL_NAME"}:
        return start
    return end - 2 if label == "GREETING" else end - 1


def _lower_name_index(
    doc: Doc, label: str, start: int, end: int, english: frozenset[str]
) -> int | None:
    """The lower-case name of a ``LOWER_*`` match, when the word there reads as one."""
    if label == "LOWER_FULL":
        first = doc[start]  # a given name, even one WordNet lists (``helena``), then a surname
        ok = (
            is_given_name(first.text)
            and first.text not in NOT_NAMES | AMBIGUOUS
            and (first.tag_ == "NNP" or not is_english(first.text, english))
            and doc[start + 1].tag_ in {"NNP", "NN"}
            and _lower_surname(doc[start + 1])
        )
        return start if ok else None
    if label == "LOWER_TO_DO":
        return start + 1 if _unknown_lower_word(doc[start + 1], english) else None
    if label in {"LOWER_FIRST", "LOWER_MID"}:
        index = start + (label == "LOWER_MID")
    else:
        index = _lower_index(doc, start, end)
    return index if reads_as_lower_name(doc[index], english) else None


def _lower_surname(token: Token) -> bool:
    """A surname in lower case, one that is also an English word included (``marsh``)."""
    return token.is_alpha and token.text not in NOT_NAMES and is_surname(token.text, weak=True)


def lower_start(doc: Doc, english: frozenset[str]) -> int | None:
    """``niamh out sick again``: a note written all in lower case that starts with a given name
    that is no English word (``reads_as_lower_name``), before a verb or an adverb."""
    letters = [c for c in doc.text if c.isalpha()]
    if not doc or not letters or any(c.isupper() for c in letters):
        return None
    following = doc[1] if len(doc) > 1 else None
    subject = following is not None and (
        following.tag_[:2] in {"VB", "MD", "RB", "RP"} or following.lower_ in {"out", "off"}
    )
    return 0 if subject and reads_as_lower_name(doc[0], english) else None


def _at_the_end(doc: Doc, end: int) -> bool:
    """Only a surname or punctuation after the matched name."""
    rest = [t for t in doc[end:] if not t.is_punct and not t.is_space]
    return len(rest) <= 1 and all(t.is_title for t in rest)


def _unknown_lower_word(token: Token, english: frozenset[str]) -> bool:
    """``for olusegun to send``, ``need dee to approve``: after this evidence a lower-case word
    that is no English word, no function word and no non-name is a name, even one in no
    lexicon."""
    word = token.text
    return (
        word.isalpha()
        and len(word) >= 3
        and word not in NOT_NAMES
        and token.tag_ not in NOT_NAME_TAGS
        and not is_english(word, english)
    )


def before_phones(doc: Doc, phone_starts: list[int], english: frozenset[str]) -> list[int]:
    """``it's Marguerite on 555-0130``, ``contact: bea 555-0165``: a name right before a phone
    number (``on``, ``at`` or a colon between them) is the number's owner."""
    found = []
    for char in phone_starts:
        index = next((t.i for t in doc if t.idx >= char), len(doc)) - 1
        if index >= 0 and doc[index].lower_ in {"on", "at", ":", "-", "–"}:
            index -= 1
        if index < 0:
            continue
        token = doc[index]
        if token.is_lower and reads_as_lower_name(token, english):
            found.append(index)
        elif token.is_title and reads_as_name(token, english, weak=True):
            found.append(index)
    return found


def _first_given_name(doc: Doc, start: int, end: int) -> int | None:
    """``VP of Sales Dmitri Volkov``: skip the department words to the first given name."""
    for index in range(start, end):
        if doc[index].is_title and is_given_name(doc[index].text):
            return index
    return None


def reads_as_name(token: Token, english: frozenset[str], *, weak: bool = False) -> bool:
    """A word after person evidence: a known name, a PERSON entity, or an unknown proper noun.

    The NER model often tags a name it does not know as a place (``Nkechi``: GPE), so after
    person evidence a place tag does not count against a word in no lexicon, except after a
    greeting (``Hello, London!``).
    """
    text = token.text
    if not looks_like_name_word(text) or token.lower_ in NOT_NAMES:
        return False
    if is_given_name(text) or is_surname(text) or token.ent_type_ == "PERSON":
        return token.ent_type_ not in {"DATE", "TIME"}
    other = _OTHER_ENTS if weak else _OTHER_ENTS - _PLACE_ENTS
    return (
        token.tag_ in {"NNP", "NNPS"}
        and not is_english(token.lower_, english)
        and token.ent_type_ not in other
    )


def _after_glued_hyphen(token: Token) -> bool:
    """``Wi-Fi``: the second half of a hyphenated word starts no name."""
    if token.i < 2:
        return False
    hyphen = token.doc[token.i - 1]
    return (
        hyphen.text in {"-", "‐"}
        and not hyphen.whitespace_
        and not token.doc[token.i - 2].whitespace_
    )


def _lower_index(doc: Doc, start: int, end: int) -> int:
    """The lower-case word of a match: the last one, or the one before a greeting's comma."""
    return end - 2 if doc[end - 1].is_punct else end - 1


def reads_as_lower_name(token: Token, english: frozenset[str], *, any_tag: bool = False) -> bool:
    """A word in lower case after person evidence: a given name that is no English word, no
    word that is also a name (``will``, ``grace``) and, unless ``any_tag``, no function word."""
    word = token.text
    return (
        word.isalpha()
        and word not in NOT_NAMES
        and word not in AMBIGUOUS
        and (any_tag or token.tag_ not in NOT_NAME_TAGS)
        and is_given_name(word)
        and not is_english(word, english)
        and word not in name_words()
    )


def lower_name_end(doc: Doc, index: int, english: frozenset[str]) -> int:
    """``amara nwosu``: a lower-case surname after a lower-case given name joins the span."""
    end = index + 1
    if end < len(doc):
        following = doc[end]
        verb_after = end + 1 < len(doc) and doc[end + 1].tag_[:2] in {"VB", "MD"}
        if (
            following.is_lower
            and following.is_alpha
            and is_surname(following.text, weak=verb_after)
            and (verb_after or not is_english(following.text, english))
            and following.text not in NOT_NAMES
        ):
            end += 1
    return end
