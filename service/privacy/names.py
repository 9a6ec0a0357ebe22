"""Person names beyond what the NER model finds: the context rules that decide whether a
capitalised word in a sentence is a name. The word lists live in ``lexicons``; context comes from
the tagger (``NNP``), the NER model's entity types and cue words around the candidate.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from service.privacy.lazy import tag
from service.privacy.lexicons import (
    AMBIGUOUS,
    CUES_AFTER,
    CUES_BEFORE,
    DEPARTMENTS,
    MAIL_HEADERS,
    MONTHS,
    NOT_NAMES,
    SAINTS,
    STRONG_AFTER,
    STRONG_BEFORE,
    TITLES,
    fold,
    is_given_name,
    is_particle,
    is_surname,
    load_lexicons,
    looks_like_name_word,
    name_words,
)
from service.privacy.things import (
    DISH_NOUNS,
    NOT_NAME_TAGS,
    PLACE_BEFORE,
    PLACE_ENTS,
    compound_thing,
    cue_before,
    holiday_possessive,
    lead_in,
    listed_with_places,
    named_venue,
    plain_word,
    possessive_is_a_venue,
    previous_word,
    reads_as_thing,
    thing_context,
    venue_named,
    venue_possessive,
)

__all__ = [
    "AMBIGUOUS",
    "NOT_NAMES",
    "TITLES",
    "entity_is_name",
    "find_names",
    "fold",
    "is_given_name",
    "is_surname",
    "load_lexicons",
    "looks_like_name_word",
]

_DATE_BEFORE = frozenset(
    """in from by until till since before after during through of early late mid next last this
    since end""".split()
)
_NON_PERSON_ENTS = frozenset(
    """ORG PRODUCT GPE LOC FAC NORP EVENT WORK_OF_ART DATE TIME LAW LANGUAGE""".split()
)
_TIME_ENTS = frozenset({"DATE", "TIME", "EVENT"})
_FINITE_VERB_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_SENTENCE_END = frozenset({".", "!", "?", ":", ";", '"', "(", "-", "–", "—", "•", "*", "“"})
_MAX_NAME_WORDS = 4
_AUXILIARIES = frozenset("is was will 'll 's can could would has had".split())
_OFFICE_WORK = frozenset(
    """shadowing covering chairing minuting emailing sending send booking book organising
    organizing organise organize hosting host interviewing mentoring onboarding training
    circulate circulating email""".split()
)
_JOB_TITLES = frozenset(
    """pa ea assistant receptionist administrator admin coordinator manager officer secretary
    director head lead intern apprentice trainee temp clerk analyst advisor adviser treasurer
    leader chair chairperson caretaker bookkeeper accountant volunteer organiser organizer
    supervisor""".split()
)
# Verbs only a person is the subject of: after a name that is also a word (``Grace organised``)
# they are person evidence; ``Hope remains``, ``Autumn started``, ``Joy comes`` are not.
_HUMAN_VERBS = frozenset(
    """said says asked asks told tells wants wanted thinks thought emailed emails called calls
    rang phoned texted messaged replied replies agreed agrees promised promises apologised
    apologized organised organized organises organizes booked books covered covers leads led
    chaired chairs hosted hosts joined left resigned retired quit sent sends signed signs
    approved approves confirmed confirms suggested suggests recommended recommends mentioned
    mentions explained explains wrote writes shared shares knows knew forgot forgets remembered
    laughed cried complained fixed typed sorted printed filed
    complains helped helps offered offers volunteered volunteers presented presents runs ran
    manages managed handles handled arranged arranges invited invites introduced introduces
    shadowed trained trains mentors mentored interviewed interviews answered answers
    reminded reminds insisted insists decided decides works worked prefers preferred loves
    loved hates hated likes liked feels felt seems seemed looks looked sounds sounded""".split()
)
# ``June will run payroll``: after a modal, the base form of work only a person does.
_HUMAN_WORK = frozenset(
    """run send lead chair host book cover email call ask tell organise organize arrange handle
    manage help present join sign approve confirm bring collect take train mentor interview
    answer reply phone text message invite introduce""".split()
)
_BE = frozenset({"is", "was", "'s", "’s", "has", "had"})
LEAVE_WORDS = frozenset(
    """leave sick holiday holidays vacation pto sabbatical furlough maternity paternity
    parental""".split()
)


@dataclass(frozen=True)
class _Context:
    """What the rules need to know about one candidate ``doc[start:end]``."""

    start: int
    end: int
    previous: str
    words: tuple[str, ...]
    cue: bool
    strong_cue: bool
    token: Token  # the candidate's first token
    english: frozenset[str] = frozenset()

    @property
    def propn(self) -> bool:
        """The tagger reads the first token as a proper noun (read only when a rule asks)."""
        return _is_propn(self.token)


def find_names(
    doc: Doc,
    gazetteer: frozenset[str],
    *,
    use_lexicon: bool = True,
    english: frozenset[str] = frozenset(),
) -> list[tuple[int, int]]:
    """Character spans of person names found by the lexicons, the gazetteer and context rules."""
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(doc):
        end = _name_at(doc, index, gazetteer, use_lexicon=use_lexicon, english=english)
        if end > index:
            spans.append((doc[index].idx, doc[end - 1].idx + len(doc[end - 1])))
            index = end
        else:
            index += 1
    return spans


def _name_at(
    doc: Doc, index: int, gazetteer: frozenset[str], *, use_lexicon: bool, english: frozenset[str]
) -> int:
    """The end token of a name starting at ``index``, or ``index`` when there is none."""
    token = doc[index]
    if not looks_like_name_word(token.text) or (
        index + 1 < len(doc) and looks_like_name_word(doc[index + 1].text) and lead_in(token)
    ):
        return index
    end = _extent(doc, index)
    previous = doc[index - 1].lower_.rstrip(".") if index else ""
    words = tuple(
        t.text for t in doc[index:end] if t.text[:1].isalpha() and not is_particle(t.text)
    )
    following = doc[end].lower_ if end < len(doc) else ""
    strong = (
        previous in STRONG_BEFORE | TITLES
        or following in STRONG_AFTER
        or on_leave(doc, end)
        or acts_as_a_person(doc, end)
    )
    context = _Context(
        index, end, previous, words, has_cue(doc, index, end), strong, token, english
    )
    return end if _is_name(doc, context, gazetteer, use_lexicon) else index


def _is_name(doc: Doc, ctx: _Context, gazetteer: frozenset[str], use_lexicon: bool) -> bool:
    token = doc[ctx.start]
    lower = token.lower_
    if lower in MONTHS and date_context(doc, ctx.start):
        return False
    if ctx.previous in SAINTS or (lower.rstrip(".") in SAINTS and len(ctx.words) > 1):
        return False  # ``St Thomas'``, ``St Brigid's Primary``: a church, school or hospital
    if named_venue(doc, ctx.end):
        return False  # ``Mrs Patel's Sweet Centre``: a business, even after a title
    if ctx.previous in TITLES:
        return True
    ambiguous = lower in AMBIGUOUS
    if any(w.lower() in gazetteer or fold(w) in gazetteer for w in ctx.words):
        return not ambiguous or ctx.cue or ctx.propn or len(ctx.words) > 1
    if not ctx.cue and reads_as_thing(doc, ctx.start, ctx.end, ctx.english):
        return False
    if not ctx.strong_cue and compound_thing(doc, ctx.start, ctx.end, ctx.english):
        return False
    if holiday_possessive(doc, ctx.end) or venue_named(doc, ctx.end, ctx.strong_cue):
        return False
    known = use_lexicon and not ambiguous and is_given_name(token.text)
    # ``at Priya's``, ``round to Dave's``: a known given name's possessive may be someone's home,
    # and a restaurant named after a person loses little by being redacted.
    if not cue_before(ctx.previous) and (
        possessive_is_a_venue(doc, ctx.start, ctx.end)
        or (venue_possessive(doc, ctx.end) and not known)
    ):
        return False
    if ambiguous:
        return _ambiguous_is_name(doc, ctx)
    if token.ent_type_ == "PERSON" or (use_lexicon and is_given_name(token.text)):
        return _given_name_in_context(doc, ctx)
    return use_lexicon and _unknown_word_is_name(doc, ctx)


def _ambiguous_is_name(doc: Doc, ctx: _Context) -> bool:
    """``Grace``, ``May``, ``Will``: a name only with a cue, a surname, or as a verb's subject."""
    if _inside_proper_noun(doc, ctx.start):
        return False
    token = doc[ctx.start]
    if token.ent_type_ in _TIME_ENTS and token.ent_iob_ == "I" and doc[ctx.start - 1].is_alpha:
        return ctx.strong_cue  # the second word of a date such as ``Christmas Eve``
    if ctx.cue:
        return True
    if thing_context(doc, ctx.start, ctx.end):
        return False
    if len(ctx.words) > 1:
        return _evidence_for_full_name(doc, ctx)
    following = doc[ctx.end] if ctx.end < len(doc) else None
    return (
        ctx.propn
        and following is not None
        and tag(following) in _FINITE_VERB_TAGS
        and (
            following.lower_ in _HUMAN_VERBS
            or doc[ctx.start].ent_type_ == "PERSON"
            or (
                tag(following) == "MD"
                and ctx.end + 1 < len(doc)
                and doc[ctx.end + 1].lower_ in _HUMAN_WORK
            )
        )
        and ctx.previous not in _DATE_BEFORE | PLACE_BEFORE
    )


def _evidence_for_full_name(doc: Doc, ctx: _Context) -> bool:
    """``Amber Singh`` yes, ``Black Sabbath`` (an ORG) no: a known surname, or no other entity."""
    if any(is_surname(w) or is_given_name(w) for w in ctx.words[1:]):
        return True
    types = {t.ent_type_ for t in doc[ctx.start : ctx.end]}
    return "PERSON" in types or not types & _NON_PERSON_ENTS


def _given_name_in_context(doc: Doc, ctx: _Context) -> bool:
    """A given name from the lexicon, unless the context makes it a place, a time or a thing."""
    token = doc[ctx.start]
    with_surname = len(ctx.words) > 1 and any(
        is_surname(w, weak=True) or is_given_name(w) for w in ctx.words[1:]
    )
    place = token.ent_type_ in PLACE_ENTS
    word = token.lower_ in name_words() or fold(token.text) in name_words()
    if token.ent_type_ in _TIME_ENTS:
        return ctx.strong_cue or with_surname
    if thing_context(doc, ctx.start, ctx.end) or (place and ctx.previous in {"to", "from"}):
        return ctx.strong_cue or (with_surname and not place)
    if _inside_proper_noun(doc, ctx.start) or (
        place and listed_with_places(doc, ctx.start, ctx.end)
    ):
        return False
    if token.ent_type_ == "PERSON":
        return ctx.cue or with_surname or not plain_word(token, ctx.english)
    if word and token.ent_type_ in _NON_PERSON_ENTS:
        return ctx.strong_cue or with_surname
    if tag(token) in NOT_NAME_TAGS:
        return ctx.cue or with_surname
    if _at_sentence_start(doc, ctx.start):
        return (
            len(ctx.words) > 1
            or ctx.cue
            or not word
            or (ctx.propn and _subject_position(doc, ctx.end))
        )
    return ctx.propn or ctx.cue or not word


def _subject_position(doc: Doc, end: int) -> bool:
    """Followed by a verb, a comma or ``and``: ``Maria recommended``, ``Maria, Kofi and Ines``."""
    if end >= len(doc):
        return False
    following = doc[end]
    return (
        tag(following).startswith("VB")
        or tag(following) == "MD"
        or following.lower_ in CUES_AFTER | {","}
    )


def _unknown_word_is_name(doc: Doc, ctx: _Context) -> bool:
    """A word in no lexicon: a name in surname-first order, next to a surname, or after a cue."""
    token = doc[ctx.start]
    if token.ent_type_ in _NON_PERSON_ENTS - {"ORG", "NORP"} or not ctx.propn:
        return False
    if thing_context(doc, ctx.start, ctx.end) or _inside_proper_noun(doc, ctx.start):
        return False
    rest = ctx.words[1:]
    if rest and (
        (is_surname(token.text) and any(is_given_name(w) for w in rest))
        or any(is_surname(w) for w in rest)
    ):
        return True
    following = doc[ctx.end].lower_ if ctx.end < len(doc) else ""
    strong = ctx.previous in STRONG_BEFORE or following in STRONG_AFTER - {"'s", "’s"}
    return (strong or _from_a_department(doc, ctx.end)) and token.ent_type_ not in _NON_PERSON_ENTS


def _from_a_department(doc: Doc, end: int) -> bool:
    """``Okafor from Legal``: a person introduced by their department."""
    return end + 1 < len(doc) and doc[end].lower_ == "from" and doc[end + 1].lower_ in DEPARTMENTS


def _extent(doc: Doc, index: int) -> int:
    """The end of the run of name words starting at ``index`` (particles and hyphens included)."""
    end, words = index + 1, 1
    while end < len(doc) and words < _MAX_NAME_WORDS:
        token = doc[end]
        if token.lower_ in MAIL_HEADERS and end + 1 < len(doc) and doc[end + 1].text == ":":
            break  # ``From: Ewa Nowak Sent: Monday``
        if _glued_hyphen(doc, end):
            end += 2
        elif (
            looks_like_name_word(token.text)
            and token.lower_ not in STRONG_AFTER
            and (
                not (token.ent_iob_ == "B" and token.ent_type_ in _NON_PERSON_ENTS)
                or is_surname(token.text, weak=True)
                or is_given_name(token.text)
            )
        ):
            end, words = end + 1, words + 1
        elif (
            is_particle(token.text)
            and end + 1 < len(doc)
            and looks_like_name_word(doc[end + 1].text)
        ):
            end, words = end + 2, words + 1
        else:
            break
    return end


def _glued_hyphen(doc: Doc, index: int) -> bool:
    """``Al-Sayed``, ``Min-jun``: a hyphen with no space either side, then letters."""
    return (
        doc[index].text in {"-", "‐"}
        and index + 1 < len(doc)
        and not doc[index - 1].whitespace_
        and not doc[index].whitespace_
        and doc[index + 1].text.isalpha()
    )


def has_cue(doc: Doc, start: int, end: int) -> bool:
    """A word before or after a candidate that says it is a person."""
    previous = doc[start - 1].lower_.rstrip(".") if start else ""
    following = doc[end].lower_ if end < len(doc) else ""
    if previous in CUES_BEFORE and not (doc[start].lower_ in MONTHS and previous == "from"):
        return True
    return (
        previous in TITLES
        or following in STRONG_AFTER
        or (following == "from" and end + 1 < len(doc) and doc[end + 1].text[:1].isupper())
        or on_leave(doc, end)
        or acts_as_a_person(doc, end)
    )


def acts_as_a_person(doc: Doc, end: int) -> bool:
    """``Sky is shadowing me``, ``Blessing will send the rota``, ``Summer started on monday as the
    junior PA``: only a person does office work or joins as a role."""
    words = [t.lower_ for t in doc[end : end + 4]]
    if len(words) >= 2 and words[0] in _AUXILIARIES and words[1] in _OFFICE_WORK:
        return True
    if words[:2] in (["will", "take"], ["'ll", "take"], ["is", "taking"]) and (
        len(words) > 3 and words[3] in {"notes", "minutes", "register", "call", "calls"}
    ):
        return True  # ``Holly will take the notes``
    if (
        len(words) >= 3
        and words[0] in {"is", "was"}
        and words[1] in {"our", "the", "my", "their", "your"}
        and any(t.lower_ in _JOB_TITLES for t in doc[end + 2 : end + 6])
    ):
        return True  # ``Rocky is our treasurer``, ``Chance is the youth group leader``
    for index in range(end, min(end + 8, len(doc) - 1)):
        token = doc[index]
        if token.is_punct and token.text not in {"-", "'"}:
            return False
        if token.lower_ == "as":
            rest = [t.lower_ for t in doc[index + 1 : index + 5]]
            return (
                bool(rest)
                and rest[0] in {"the", "our", "a", "an", "my"}
                and any(w in _JOB_TITLES for w in rest[1:])
            )
    return False


def on_leave(doc: Doc, end: int) -> bool:
    """``Grace is on maternity leave``, ``Hope was off sick``: only a person takes leave."""
    words = [t.lower_ for t in doc[end : end + 5]]
    return (
        len(words) >= 3
        and words[0] in _BE
        and words[1] in {"on", "off", "out", "away", "taking", "takes", "took"}
        and any(w in LEAVE_WORDS for w in words[2:])
    )


def date_context(doc: Doc, index: int) -> bool:
    """``in May``, ``May 5``: a month, not a person."""
    previous = doc[index - 1].lower_ if index else ""
    following = doc[index + 1] if index + 1 < len(doc) else None
    return previous in _DATE_BEFORE or (following is not None and following.like_num)


def _is_propn(token: Token) -> bool:
    return token.pos_ == "PROPN" or tag(token) in {"NNP", "NNPS"}


def _at_sentence_start(doc: Doc, index: int) -> bool:
    return index == 0 or doc[index - 1].text in _SENTENCE_END or doc[index - 1].is_space


def _inside_proper_noun(doc: Doc, index: int) -> bool:
    """``São Paulo``, ``Chief People Officer``: the word continues a capitalised phrase."""
    if index == 0 or _at_sentence_start(doc, index - 1):
        return False
    previous = doc[index - 1]
    return (
        bool(previous.whitespace_)
        and previous.text[:1].isupper()
        and previous.is_alpha
        and previous.lower_ not in CUES_BEFORE | TITLES
    )


def entity_is_name(doc: Doc, start: int, end: int, english: frozenset[str] = frozenset()) -> bool:
    """Whether the NER model's PERSON entity ``doc[start:end]`` survives the context rules.

    ``english`` holds the pipeline's English words: an entity made only of English words that are
    no known names (``Calm``, ``Felt``, ``Big Mac``) needs a cue.
    """
    tokens = doc[start:end]
    if any(t.like_url or t.like_email or any(c.isdigit() for c in t.text) for t in tokens):
        return False
    words = [t.text for t in tokens if t.is_alpha]
    if not words or all(w.lower() in NOT_NAMES for w in words):
        return False
    cue = has_cue(doc, start, end)
    if not cue and all(plain_word(t, english) for t in tokens if t.is_alpha):
        return False
    if not any(w[:1].isupper() for w in words) and not cue_before(previous_word(doc, start)):
        return False  # ``rasberry mint sorbet``: the model's PERSON in lower case needs a cue
    previous = previous_word(doc, start)
    if _entity_is_a_thing(doc, start, end, cue=cue, english=english):
        return False
    home = any(is_given_name(w) and w.lower() not in AMBIGUOUS for w in words)
    if not cue_before(previous) and (
        possessive_is_a_venue(doc, start, end) or (venue_possessive(doc, end) and not home)
    ):
        return False
    if len(words) > 1:
        return True
    if doc[start].lower_ in AMBIGUOUS:
        return cue and not date_context(doc, start)
    if thing_context(doc, start, end) or _inside_proper_noun(doc, start):
        return cue and previous not in PLACE_BEFORE
    return True


def _entity_is_a_thing(
    doc: Doc, start: int, end: int, *, cue: bool, english: frozenset[str]
) -> bool:
    """A holiday, a venue, a phrase ending in a common noun (``Major Depression``), a hyphenated
    compound (``Rose-gold``) or a dish (``Tom Yum soup``)."""
    if holiday_possessive(doc, end) or venue_named(doc, end, cue):
        return True
    if previous_word(doc, start) not in STRONG_BEFORE | TITLES and compound_thing(
        doc, start, end, english
    ):
        return True
    return not cue and end < len(doc) and doc[end].lower_ in DISH_NOUNS


def name_span(doc: Doc, index: int) -> tuple[int, int]:
    """The character span of the name that starts at token ``index`` (surname and particles)."""
    end = _extent(doc, index)
    while end > index + 1 and not looks_like_name_word(doc[end - 1].text):
        end -= 1
    return doc[index].idx, doc[end - 1].idx + len(doc[end - 1])
