"""Person evidence found with spaCy's ``Matcher``: a title or role before a name (``our new CFO
Helena Marsh``, ``Dr Rautenbach``) and a verb of addressing, telling or asking before one
(``asked Priya to``, ``cc'd Tom``, ``thanks to Ana``, ``paired with Raj``).

A match only says where a name may start; the word there must still read as a name: a given name
or surname from the lexicons, a PERSON entity, or a proper noun that is no English word and no
other kind of entity. Weekdays, months in a date, products and teams are never names.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from service.privacy import lazy
from service.privacy.lazy import TagMatcher, tag
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
from service.privacy.names import LEAVE_WORDS, on_leave
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
# Verbs of telling and asking: the word right after them is whom they address.
_ADDRESSING = frozenset(
    """told tell telling asked ask asking cc cc'd cced ccd pinged ping emailed messaged texted
    dm'd dmed reminded remind thanked nudged""".split()
)
_SUBJECTS = frozenset({"i", "we", "you", "they", "he", "she"})
_WEEKDAYS = frozenset(
    """mon monday tue tues tuesday wed weds wednesday thu thur thurs thursday fri friday sat
    saturday sun sunday""".split()
)
_MODALS = frozenset("can could would will did does should".split())
_ADDING = frozenset("add added adding invite invited include included".split())
_WORKPLACES = frozenset(
    """desk reception office team clinic ward switchboard payroll helpdesk front-desk
    school""".split()
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
# A lower-case given name from the lexicons, where a pattern's tag alone would let any word
# match (``priya said``): the rules after it ask for a given name anyway.
if not Token.has_extension("pii_given_name"):
    Token.set_extension("pii_given_name", getter=lambda token: is_given_name(token.text))
_LOWER_GIVEN = {**_LOWER, "_": {"pii_given_name": True}}
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


def build_matcher(vocab: Vocab) -> TagMatcher:
    """Patterns whose label says which token may start a name.

    ``ROLE``, ``VERB``, ``PHRASE``: the last token (``our CFO Helena``, ``asked Priya``,
    ``thanks to Ana``); ``ROLE_OF``: the first given name after ``of`` (``VP of Sales Dmitri``);
    ``PAIR``: the first token (``Nkechi and I``); ``GREETING``: the token before the punctuation
    (``Hi Mark,``).
    """
    matcher = TagMatcher(vocab)
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
    matcher.add(
        "PAIR", [[_NAME, {"LOWER": {"IN": ["and", "n", "&"]}}, {"LOWER": {"IN": ["i", "me"]}}]]
    )
    matcher.add("VERB", [[{"LOWER": {"IN": ["w", "w/"]}}, _NAME]])
    # ``our new caretaker is Cliff``
    matcher.add(
        "ROTA",
        [[{"LOWER": {"IN": sorted(ROLES - TITLES)}}, {"LOWER": {"IN": ["is", "was"]}}, _NAME]],
    )
    # ``everyone calls him Nnam``: a nickname
    matcher.add(
        "NICKNAME",
        [
            [
                {"LOWER": {"IN": ["call", "calls", "called", "calling"]}},
                {"LOWER": {"IN": ["him", "her", "them", "me"]}},
                _NAME,
            ]
        ],
    )
    # ``mon - Grace tue - Obi``: a rota names whoever covers each day
    matcher.add(
        "ROTA",
        [[{"LOWER": {"IN": sorted(_WEEKDAYS)}}, {"TEXT": {"IN": ["-", "–", ":"]}}, _NAME]],
    )
    # ``Sunny on the front desk``, ``Sue from the trust office``: someone placed at a desk or in an
    # office is a person, even with a name that is also a word.
    matcher.add(
        "AT_WORK",
        [
            [
                _NAME,
                {"LOWER": {"IN": ["on", "at", "from"]}},
                {"LOWER": {"IN": ["the", "our", "my"]}},
                {"IS_ALPHA": True, "OP": "{0,2}"},
                {"LOWER": {"IN": sorted(_WORKPLACES)}},
            ]
        ],
    )
    # ``That's all from me. - Marguerite``: a name signed after a dash at the end.
    matcher.add("SIGNOFF", [[{"TEXT": {"IN": sorted(_DASHES)}}, _NAME]])
    _add_lower_case(matcher)
    matcher.add(
        "GREETING",
        [[{"LOWER": {"IN": sorted(_GREETINGS)}}, {"TEXT": ",", "OP": "?"}, _NAME, _END]],
    )
    return matcher


def _add_lower_case(matcher: TagMatcher) -> None:
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
    matcher.add("LOWER_FIRST", [[_LOWER_GIVEN, _FINITE]])
    # ``helena marsh has been``: a lower-case given name and surname before a verb
    matcher.add("LOWER_FULL", [[_LOWER_GIVEN, _LOWER, {"TAG": {"REGEX": "^(VB|MD)"}}]])
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
    matcher.add(
        "LOWER_FIRST",
        [
            [_LOWER, {"LOWER": {"IN": ["and", "n", "&"]}}, {"LOWER": {"IN": ["i", "me"]}}],
        ],
    )
    # ``james's mum is ill``: a lower-case given name that owns something
    matcher.add("LOWER_STRONG_FIRST", [[_LOWER, {"ORTH": {"IN": ["'s", "’s"]}}]])
    matcher.add(
        "LOWER_STRONG_MID",
        [
            # ``can ahmed get the numbers``: a name between a modal and its verb
            [{"LOWER": {"IN": sorted(_MODALS)}}, _LOWER_GIVEN, {"TAG": "VB"}],
            # ``pls add tomás to the list``
            [{"LOWER": {"IN": sorted(_ADDING)}}, _LOWER, {"LOWER": {"IN": ["to", "on", "in"]}}],
        ],
    )
    # ``spoke w priya``: chat shorthand for ``with``
    matcher.add("LOWER_STRONG_LAST", [[{"LOWER": {"IN": ["w", "w/"]}}, _LOWER]])
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


def name_starts(doc: Doc, matcher: TagMatcher, english: frozenset[str]) -> list[int]:
    """Token indices where the evidence says a name starts (the word there reads as a name).

    A pattern's tags are checked last, so that a text is tagged only when its words qualify.
    """
    starts = set()
    for match in matcher(doc):
        label, start, end = match.label, match.start, match.end
        if label.startswith("LOWER"):
            lower = _lower_name_index(doc, label, start, end, english)
            if lower is not None and match.tags_hold():
                starts.add(lower)
            continue
        if label == "ROLE_OF":
            index = _first_given_name(doc, start + 2, min(end + 2, len(doc)))
        elif label == "PAIR" and start and doc[start - 1].lower_ in _NOT_BEFORE_PAIR:
            continue  # ``at Columbia and I``, ``thank you Reddit and I'm``
        elif label == "VOCATIVE" and not (start == 0 or doc[start - 1].text in {".", "!", "?"}):
            continue
        elif label == "SIGNOFF" and not _at_the_end(doc, end):
            continue
        elif label in {"DEPARTMENT", "AT_WORK"} and _after_glued_hyphen(doc[start]):
            continue  # ``Wi-Fi in the London office``
        else:
            index = _name_index(label, start, end)
        weak = label in {"GREETING", "TO_WEAK", "SIGNOFF", "FROM", "VOCATIVE"}
        if index is None:
            continue
        if (
            reads_as_name(doc[index], english, weak=weak)
            or (label in {"AT_WORK", "ROTA"} and is_given_name(doc[index].text))
            or (
                label == "NICKNAME"
                and looks_like_name_word(doc[index].text)
                and doc[index].lower_ not in NOT_NAMES
            )
        ) and match.tags_hold():
            starts.add(index)
    return sorted(starts)


def _name_index(label: str, start: int, end: int) -> int:
    """Where the name is in a match: first (``Nkechi and I``), before the greeting's comma
    (``Hi Mark,``) or last (``asked Priya``)."""
    if label in {"PAIR", "DEPARTMENT", "VOCATIVE", "MODAL_NAME", "AT_WORK"}:
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
            and _lower_surname(doc[start + 1])
            and (not is_english(first.text, english) or tag(first) == "NNP")
            and tag(doc[start + 1]) in {"NNP", "NN"}
        )
        return start if ok else None
    if label == "LOWER_TO_DO":
        return start + 1 if _unknown_lower_word(doc[start + 1], english) else None
    if label.startswith("LOWER_STRONG"):
        index = {"FIRST": start, "MID": start + 1}.get(label.rsplit("_", 1)[1], end - 1)
        return index if strongly_a_lower_name(doc[index], english) else None
    if label in {"LOWER_FIRST", "LOWER_MID"}:
        index = start + (label == "LOWER_MID")
    else:
        index = _lower_index(doc, start, end)
    if reads_as_lower_name(doc[index], english):
        return index
    return index if label == "LOWER_VERB" and _addressed(doc, start, index) else None


def _addressed(doc: Doc, verb: int, index: int) -> bool:
    """``told will the drive was full``, ``ask paddy he knows``: after a verb of telling or
    asking, a given name that is also a word (``will``, ``paddy``) is the person addressed when
    what follows cannot continue the word: the end, a determiner, a pronoun, ``to``, ``that``,
    ``about``, ``if``. A modal before a subject pronoun stays a modal (``ask may i``)."""
    token, head = doc[index], doc[verb].lower_
    spoken_to = index == verb + 2 and doc[verb + 1].lower_ in {"to", "with"}
    if not (head in _ADDRESSING or (spoken_to and head in _HEADS_TO | _HEADS_WITH)):
        return False
    if not is_given_name(token.text) or token.text in NOT_NAMES or tag(token).startswith("VB"):
        return False
    if index != verb + 1 and not spoken_to:
        return False
    following = doc[index + 1] if index + 1 < len(doc) else None
    if following is None or following.is_punct:
        return True
    if following.lower_ in _SUBJECTS and token.text in {"will", "may", "can", "might"}:
        return False
    in_department = (
        following.lower_ in {"in", "from", "at"}
        and index + 2 < len(doc)
        and doc[index + 2].lower_ in DEPARTMENTS
    )
    return (
        in_department
        or tag(following) in {"DT", "PRP", "PRP$", "TO", "WRB", "WDT", "WP"}
        or following.lower_ in {"that", "about", "if", "whether", "to", "for"}
    )


def _lower_surname(token: Token) -> bool:
    """A surname in lower case, one that is also an English word included (``marsh``)."""
    return token.is_alpha and token.text not in NOT_NAMES and is_surname(token.text, weak=True)


def lower_start(doc: Doc, english: frozenset[str]) -> int | None:
    """``niamh out sick again``: a note written all in lower case that starts with a given name
    that is no English word (``reads_as_lower_name``), before a verb or an adverb."""
    letters = [c for c in lazy.text(doc) if c.isalpha()]
    if not doc or not letters or any(c.isupper() for c in letters):
        return None
    following = doc[1] if len(doc) > 1 else None
    subject = following is not None and (
        tag(following)[:2] in {"VB", "MD", "RB", "RP"} or following.lower_ in {"out", "off"}
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
        and tag(token) not in NOT_NAME_TAGS
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
        tag(token) in {"NNP", "NNPS"}
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
        and is_given_name(word)
        and not is_english(word, english)
        and word not in name_words()
        and (any_tag or tag(token) not in NOT_NAME_TAGS)
    )


def strongly_a_lower_name(token: Token, english: frozenset[str]) -> bool:
    """A lower-case word where the context all but says it is a person (``james's mum``, ``can
    ahmed get``, ``w priya``): a given name that is no English word, or one the dictionary lists
    (``james``) that the tagger or the NER model reads as a name here (``friend's`` stays)."""
    word = token.text
    return (
        word.isalpha()
        and word not in NOT_NAMES
        and word not in AMBIGUOUS
        and is_given_name(word)
        and (
            not is_english(word, english)
            or tag(token) in {"NNP", "NNPS"}
            or token.ent_type_ == "PERSON"
        )
    )


def lower_name_end(doc: Doc, index: int, english: frozenset[str]) -> int:
    """``amara nwosu``: a lower-case surname after a lower-case given name joins the span."""
    end = index + 1
    if end < len(doc):
        following = doc[end]
        verb_after = end + 1 < len(doc) and tag(doc[end + 1])[:2] in {"VB", "MD"}
        if (
            following.is_lower
            and following.is_alpha
            and is_surname(following.text, weak=verb_after)
            and (verb_after or not is_english(following.text, english))
            and following.text not in NOT_NAMES
        ):
            end += 1
    return end


# Upper-case letters that are no one's initials: acronyms of roles, departments and office talk.
_ACRONYMS = frozenset(
    """HR IT PA EA QA UK US USA EU UN UAE NZ PR PO ID TV PC AV AI VP GM MD CEO CFO COO CTO CIO CMO
    CPO CRO CSO CHRO SVP EVP OK FYI ASAP EOD COB OOO BTW TBC TBD TBA NB PS AM PM HQ NHS GP ER
    ICU UAT KPI OKR SLA FAQ CV DM PTO WFH RSVP ETA AOB SLT SMT LMS CRM ERP SAP IRL LOL OMG IMO
    TL DR NA NO ON OR IN AT TO OF UP SO GO DO BE WE ME MY AN AS IF IS BY HI OH CC BCC RE FW FWD
    PDF PPT XLS URL API UX UI VIP MBA CPD FTE PAYE VAT GDPR DBS AGM EGM QBR RFP RFQ SOP IOU ATM
    SMS CPR AED PPE WC HMRC IRS ATO CRA DVLA NI OT PT SEN SENCO IEP LEA CQC HSE ITV BBC CNN SKY
    BT EE AA RAC NY NYC LA SF DC TX CA BC NJ UES UWS ONE NOT YES AND THE ALL NEW OCD GAD CBT
    DBT BFF EBT CPS WTF USD GBP EUR GF BF ADHD ASD SSRI EMT ED MRI IV DIY TBH IDK SMH""".split()
)
_INITIALS_BEFORE = frozenset("per cc bcc ask asked told thanks thx ping pinged".split())
_HEADERS = frozenset(
    """from to cc bcc attendees present apologies organiser organizer host assignee reviewer
    author owner""".split()
)
_SIGNOFFS = frozenset(
    """best thanks thx ta cheers regards warmly love br rgds sincerely yours kind warm many
    speak talk""".split()
)


# The text-level pre-checks are built from the word sets the rules read, so they cannot drift.
_HEADER_TEXT = re.compile(
    r"\b(?:" + "|".join(sorted(_HEADERS, key=len, reverse=True)) + r")\s*:", re.IGNORECASE
)
_CAPITALS = re.compile(r"(?<![A-Za-z])[A-Z]{2,3}(?![A-Za-z])")
_LEAVE_TEXT = re.compile(
    r"\b(?:" + "|".join(sorted(LEAVE_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE
)


def is_initials(token: Token) -> bool:
    """Two or three capital letters that are no common acronym (``JT``, ``KB``, ``AO``)."""
    text = token.text
    return 2 <= len(text) <= 3 and text.isalpha() and text.isupper() and text not in _ACRONYMS


def initials(doc: Doc) -> list[int]:
    """Initials used as a person's handle: ``per KB``, ``cc: LW, DP``, ``AO to circulate``,
    ``RK - book venue``, ``JT wants the deck``, ``best, KP``."""
    found: list[int] = []
    if not _CAPITALS.search(lazy.text(doc)):
        return found
    for token in doc:
        if not is_initials(token):
            continue
        i = token.i
        previous = doc[i - 1] if i else None
        if previous is not None and previous.text == ":" and i >= 2:
            previous = doc[i - 2] if doc[i - 2].lower_ in _INITIALS_BEFORE else previous
        following = doc[i + 1] if i + 1 < len(doc) else None
        after = doc[i + 2] if i + 2 < len(doc) else None
        clause_start = previous is None or previous.text in {";", ":", "\n", ".", "(", "-", "•"}
        if (
            (previous is not None and previous.lower_ in _INITIALS_BEFORE)
            or (
                clause_start
                and following is not None
                and following.lower_ == "to"
                and after is not None
                and tag(after) == "VB"
            )
            or (
                clause_start
                and following is not None
                and following.text in {"-", "–"}
                and after is not None
                and after.is_lower
            )
            or (
                clause_start
                and following is not None
                and tag(following) in {"VBZ", "VBD"}
                and following.lower_ not in {"is", "was", "has"}
            )
            or (
                previous is not None
                and previous.text in {",", "&", "and"}
                and found
                and found[-1] == i - 2
            )
            or _signed(doc, i)
        ):
            found.append(i)
    return found


def _signed(doc: Doc, index: int) -> bool:
    """The last word of a message after a sign-off and a comma (``Best, Sunny``) or a dash."""
    if not _at_the_end(doc, index + 1) or index < 1:
        return False
    if doc[index - 1].is_space and "\n" in doc[index - 1].text:
        return True  # a name alone on the last line (``see you at the AGM\nBec``)
    while index > 1 and doc[index - 1].is_space:
        index -= 1
    previous = doc[index - 1]
    if previous.lower_ in {"thanks", "thx", "tnx", "ty", "cheers", "ta"}:
        return True  # ``ok will do tnx benji``
    if previous.text in _DASHES or previous.text == "/":
        # a dash or slash standing apart (``– nat``, `` /Freja``), not ``self-harm``, ``$1,000/mo``
        return index < 2 or bool(doc[index - 2].whitespace_)
    return previous.text == "," and index >= 2 and doc[index - 2].lower_ in _SIGNOFFS | _GREETINGS


def signed_names(doc: Doc, english: frozenset[str]) -> list[int]:
    """``Best, Sunny``, ``thanks, bea``, ``can't make it, sorry all – nat``: a given name, in any
    case, as the last word after a sign-off or a dash."""
    found = []
    for token in doc[-3:]:
        word = token.text
        if not token.is_alpha or word.lower() in NOT_NAMES or not _signed(doc, token.i):
            continue
        if is_given_name(word) or reads_as_name(token, english, weak=True):
            found.append(token.i)
    return found


def header_names(doc: Doc, english: frozenset[str]) -> list[int]:
    """``From: Ewa Zielińska Sent:``, ``to: amira; cc: jonas, ruth``: the names listed after a
    mail or minutes header, up to the next header."""
    found: list[int] = []
    if not _HEADER_TEXT.search(lazy.text(doc)):
        return found
    listing = False
    for index, token in enumerate(doc):
        following = doc[index + 1] if index + 1 < len(doc) else None
        if token.lower_ in _HEADERS and following is not None and following.text == ":":
            listing = True
            continue
        if not listing or token.text in {":", ",", ";", "&", "and"}:
            continue
        if following is not None and following.text == ":" and token.lower_ not in _HEADERS:
            listing = False  # the next header (``Sent:``, ``Subject:``)
            continue
        word = token.text
        previous = doc[index - 1].text if index else ""
        if previous in {":", ",", ";", "&", "and"} and token.is_alpha:
            if word.lower() not in NOT_NAMES and (
                is_given_name(word) or (token.is_title and reads_as_name(token, english, weak=True))
            ):
                found.append(index)
        elif not token.is_alpha or (token.is_lower and not is_given_name(word)):
            listing = False  # prose after the names
    return found


def lower_on_leave(doc: Doc, english: frozenset[str]) -> list[int]:
    """``fyi kwabena is off sick``, ``grace is on leave``: a lower-case given name before a leave
    phrase (``boss is on holiday`` stays: a given name in some lexicon, but an English word)."""
    if not _LEAVE_TEXT.search(lazy.text(doc)):
        return []
    return [
        t.i
        for t in doc
        if t.is_lower
        and (strongly_a_lower_name(t, english) or (t.text in AMBIGUOUS and is_given_name(t.text)))
        and on_leave(doc, t.i + 1)
    ]
