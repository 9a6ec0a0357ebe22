"""Capitalised words that are things, not people: English words the lexicons do not know as
names (``Calm``, ``Felt``, ``Food Stamps``), streets and venues (``Smith Street``, ``Spice
Grill``, ``Rao's is great``) and places the NER model tags as places (``Santa Monica``).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from service.privacy.lazy import tag
from service.privacy.lexicons import (
    STRONG_BEFORE,
    TITLES,
    is_english,
    is_given_name,
    is_particle,
    is_surname,
)

PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
# Words before a capitalised word that make it a place, time or thing rather than a person.
PLACE_BEFORE = frozenset(
    """in at near around across outside inside throughout during via within the a an this that
    these those every each any some all our your their its 's ’s my his""".split()
)
# Nouns after a capitalised word that make it a place or an organisation (``the Jordan office``).
_PLACE_NOUNS = frozenset(
    """office offices team trip hotel site campus branch offsite hub airport region market
    headquarters hq embassy consulate store warehouse plant factory time timezone summit
    conference account restaurant restaurants cafe café bar bistro grill deli diner pizzeria
    pizza trattoria steakhouse kitchen bakery pub shop salon gym clinic menu""".split()
)
# Nouns after a capitalised run that make it a dish (``the Tom Yum soup``, ``a Reuben sandwich``).
DISH_NOUNS = frozenset(
    """roll rolls soup sandwich sandwiches salad sauce curry bisque burger burgers platter
    noodles dumplings dessert cake pie special specials dish dishes""".split()
)
# Nouns before a capitalised word that make it the name of a thing (``Team Atlas``).
_NAMED_THINGS = frozenset("team project squad room floor building level operation".split())
# ``May was busy``, ``Hope is low``: a word that is also a name, before a copula, needs the NER
# model's PERSON tag; before another verb (``June will run payroll``) it reads as a subject.
COPULAS = frozenset("is was are were be been seems seemed looks looked feels felt 's".split())
# Tags a name never has (interjections, verbs, adverbs, function words).
NOT_NAME_TAGS = frozenset(
    """UH VB VBG VBN RB RBR RBS CC DT IN PRP PRP$ WP WRB WDT MD TO EX PDT RP""".split()
)
# Words inside a capitalised run that make it a street or a venue, not a person.
VENUE_WORDS = frozenset(
    """street st avenue ave road rd boulevard blvd lane square plaza bridge station cafe café bar
    bistro grill deli diner pizzeria trattoria steakhouse kitchen bakery pub tavern restaurant
    brasserie cantina noodle sushi ramen taqueria pizza florist florists boutique salon
    barbers bakery butchers school primary academy college centre center shop store stores
    market cookies dumplings sweets hotel inn arms nursery surgery pharmacy chemist clinic
    church chapel cathedral wing""".split()
)
# Nouns that make the subject of ``X is a great place`` a venue, not a person.
_VENUE_NOUNS = frozenset(
    """place restaurant restaurants spot joint joints gem bar cafe café deli pizzeria bistro
    eatery establishment diner""".split()
)
# "is in a bad place", "was at a low point": a person somewhere, not a place being described.
_STATE_PREPOSITIONS = frozenset("in at on into inside within under through".split())
_NUMBER = re.compile(r"\d+(?:st|nd|rd|th)?")
_LEAD_IN_WORDS = frozenset("kudos thanks congrats hi hello hey dear cc bcc welcome".split())
_LEAD_IN_TAGS = frozenset({"VB", "VBD", "VBG", "VBZ", "VBP", "UH"})
_HOLIDAY_WORDS = frozenset({"day", "eve"})  # Valentine's Day, St. Patrick's Day, New Year's Eve
_AFTER_VENUE_TAGS = frozenset({"VBZ", "VBD", "VBP", "MD", "IN", "CC", "TO", "RB"})
_SUBJECT_VERB_TAGS = frozenset({"VBZ", "VBD", "VBP", "MD"})
# Verbs and prepositions after which a bare possessive is a shop or a restaurant, not a home:
# ``ordered from Luigi's``, ``recommend Mary's``, ``tried Emilio's``.
_VENUE_SOURCE = frozenset(
    """from recommend recommended recommending try tried trying love loved review reviewed
    frequent frequented""".split()
)


def thing_context(doc: Doc, start: int, end: int) -> bool:
    """``in Monterrey``, ``the Paris hotel``, ``Thiago's Instagram``, ``our Jordan office``,
    ``Team Atlas``, ``Floor 3``."""
    previous = doc[start - 1].lower_ if start else ""
    after = doc[end] if end < len(doc) else None
    following = after.lower_ if after is not None else ""
    return (
        previous in PLACE_BEFORE | _NAMED_THINGS
        or following in _PLACE_NOUNS | DISH_NOUNS
        or (after is not None and after.is_digit)
    )


def listed_with_places(doc: Doc, start: int, end: int) -> bool:
    """``Sydney, Dubai and Toronto``: a list whose other items are places that are not names."""
    neighbours = []
    for step, edge in ((-1, start - 1), (1, end)):
        index = edge
        while 0 <= index < len(doc) and doc[index].lower_ in {",", "and", "or", "&"}:
            index += step
        if 0 <= index < len(doc) and index != edge:
            neighbours.append(doc[index])
    return any(t.ent_type_ in PLACE_ENTS and not is_given_name(t.text) for t in neighbours)


def plain_word(token: Token, english: frozenset[str]) -> bool:
    """An English word that no lexicon knows as a name, or a word the tagger reads as a verb,
    adjective or adverb (``Calm about the reorg``, ``Felt good``)."""
    text = token.text
    if is_given_name(text) or is_surname(text):
        return token.lower_ in english and tag(token) in NOT_NAME_TAGS
    return is_english(token.lower_, english) or tag(token) in NOT_NAME_TAGS | {"JJ", "JJR", "JJS"}


def reads_as_thing(doc: Doc, start: int, end: int, english: frozenset[str]) -> bool:
    """Only English words that are no names (``Food Stamps``, ``Sea Bass``), a street or a venue
    (``Smith Street``, ``Spice Grill``, ``1st Ave``), or a place the NER model tags as one
    (``Santa Monica``)."""
    tokens = [t for t in doc[start:end] if t.is_alpha and not is_particle(t.text)]
    if tokens and all(plain_word(t, english) for t in tokens):
        return True
    if any(t.lower_.rstrip(".") in VENUE_WORDS for t in tokens) or after_a_number(doc, start):
        return True
    return len(tokens) > 1 and all(t.ent_type_ in PLACE_ENTS for t in tokens)


def after_a_number(doc: Doc, start: int) -> bool:
    """``1st Ave``, ``74th Street``: a word after an ordinal or a number is part of an address."""
    return start > 0 and bool(_NUMBER.fullmatch(doc[start - 1].lower_))


def previous_word(doc: Doc, start: int) -> str:
    """The lower-cased word before ``doc[start]`` without a trailing full stop (``Dr.``)."""
    return doc[start - 1].lower_.rstrip(".") if start else ""


def cue_before(previous: str) -> bool:
    """A title or a strong cue, or a copula (``the form is Austin Reyes's``: whose, not where)."""
    return previous in STRONG_BEFORE or previous in TITLES or previous in COPULAS


def venue_possessive(doc: Doc, end: int) -> bool:
    """``Rao's is the best``, ``try Emilio's.``: a possessive with no noun after it is a venue
    (``Valentine's Day`` is a holiday)."""
    if end >= len(doc) or doc[end].text not in {"'s", "’s"}:
        return False
    following = doc[end + 1] if end + 1 < len(doc) else None
    return (
        following is None
        or following.is_punct
        or tag(following) in _AFTER_VENUE_TAGS
        or following.lower_ in _HOLIDAY_WORDS
    )


def possessive_is_a_venue(doc: Doc, start: int, end: int) -> bool:
    """A bare possessive that reads as a business even for a given name: the subject of a verb
    (``Rao's is the best``, ``Nonna Lucia's ran late``) or the object of ``from``,
    ``recommend``, ``tried`` (``coffee from Big Tony's``). ``drinks at Priya's`` and ``round to
    Dave's`` stay a home."""
    if end >= len(doc) or tag(doc[end]) != "POS":
        return False
    following = doc[end + 1] if end + 1 < len(doc) else None
    # the tagger reads ``Enzo's arrived`` as a participle
    subject = following is not None and tag(following) in _SUBJECT_VERB_TAGS | {"VBN"}
    if not subject and not venue_possessive(doc, end):
        return False
    first = start
    while first > 0 and doc[first - 1].is_title and doc[first - 1].whitespace_:
        first -= 1  # ``Big Tony's``: the whole capitalised run
    return subject or previous_word(doc, first) in _VENUE_SOURCE


def compound_thing(doc: Doc, start: int, end: int, english: frozenset[str]) -> bool:
    """A capitalised run that ends in a common noun or is a hyphenated compound."""
    tokens = list(doc[start:end])
    return ends_in_a_common_noun(tokens, english) or hyphen_compound(tokens, english)


def ends_in_a_common_noun(tokens: list[Token], english: frozenset[str]) -> bool:
    """``Major Depression``, ``Golden Retrievers``, ``Greenleaf Events``: several capitalised
    words whose last one is an English word and no name (a person's name ends in a name)."""
    words = [t for t in tokens if t.is_alpha]
    if len(words) < 2:
        return False
    last = words[-1]
    glued = last.i > 0 and not last.doc[last.i - 1].whitespace_  # ``Al-Farsi``
    return (
        not glued
        and is_english(last.lower_, english)
        and not is_given_name(last.text)
        and not is_surname(last.text, weak=True)
    )


def hyphen_compound(tokens: list[Token], english: frozenset[str]) -> bool:
    """``Rose-gold``, ``Mark-up``: a hyphen glued to a lower-case English word. Korean given
    names are written the same way (``Ji-woo``, ``Hyun-woo``): a compound whose joined form is a
    given name, or that stands next to a known surname or given name (``Kim Ji-woo``), is a
    name."""
    for t in tokens[:-1]:
        if t.text not in {"-", "‐"} or t.i < 1 or t.i + 1 >= len(t.doc) or t.whitespace_:
            continue
        before, after = t.doc[t.i - 1], t.doc[t.i + 1]
        if not after.is_lower or not (
            is_english(after.lower_, english) or tag(after) in {"VBN", "VBG", "VBD", "JJ"}
        ):
            continue
        if is_given_name(before.text + after.text):
            return False
        others = [o for o in tokens if o.is_alpha and o.i not in {before.i, after.i}]
        return not any(is_surname(o.text) or is_given_name(o.text) for o in others)
    return False


def holiday_possessive(doc: Doc, end: int) -> bool:
    """``Valentine's Day``, ``New Year's Eve``: a possessive before a holiday word."""
    return (
        end + 1 < len(doc)
        and doc[end].text in {"'s", "’s"}
        and doc[end + 1].lower_ in _HOLIDAY_WORDS
    )


def lead_in(token: Token) -> bool:
    """A title, a cue or a verb in front of a name (``Kudos Ayaka``, ``Looping Dana in``)."""
    word = token.lower_.rstrip(".")
    return (
        word in TITLES
        or word in _LEAD_IN_WORDS
        or (not is_given_name(token.text) and tag(token) in _LEAD_IN_TAGS)
    )


def named_venue(doc: Doc, end: int) -> bool:
    """``Katz's Deli``, ``Emma's Pizza``, ``Jimmy's Bronx Cafe``: a possessive that starts the
    name of a venue (capitalised words ending in a venue word)."""
    if end >= len(doc) or doc[end].text not in {"'s", "’s"}:
        return False
    for token in doc[end + 1 : end + 4]:
        if not token.text[:1].isupper():
            return False
        if token.lower_ in VENUE_WORDS:
            return True
    return False


def described_as_venue(doc: Doc, end: int) -> bool:
    """``Suan is a great place``, ``Long Tan is one of those neighbourhood joints``: the subject
    of a copula whose complement is a venue noun (within the clause)."""
    if end >= len(doc) or doc[end].lower_ not in {"is", "was", "'s", "’s"}:
        return False
    for token in doc[end + 1 : end + 8]:
        if token.is_punct or token.lower_ in _STATE_PREPOSITIONS:
            return False  # "Maria is in a bad place": a person's state, not a venue
        if token.lower_ in _VENUE_NOUNS:
            return True
    return False


def venue_named(doc: Doc, end: int, cue: bool) -> bool:
    """A venue named after a person: ``Katz's Deli`` always, ``Suan is a great place`` when no
    cue says it is a person (the possessive itself is no cue here)."""
    return named_venue(doc, end) or (not cue and described_as_venue(doc, end))
