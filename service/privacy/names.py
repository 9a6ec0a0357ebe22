"""Person names beyond what the NER model finds: name lexicons and the context rules that decide
whether a capitalised word in a sentence is a name.

Lexicons: given names from gender-guesser's ``nam_dict`` plus ``data/given_names_*.txt``, surnames
from ``data/surnames_*.txt`` (see ``data/README.md`` for provenance). Diacritics are folded, so
``Sinéad`` and ``Sinead`` both match. Context comes from the tagger (``PROPN``), the NER model's
entity types and cue words around the candidate.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Token

DATA = Path(__file__).parent / "data"

# Given names that are also ordinary English words: tagged only with a person cue or a surname.
AMBIGUOUS = frozenset(
    """grace may will hope joy faith summer bill mark rose iris dawn amber jack frank art grant
    chase guy don pat sue rich bob bud buck ray sky june april august autumn winter crystal ruby
    pearl violet daisy lily holly ivy heather jasmine olive sage angel destiny harmony honor
    justice liberty mercy patience prudence trinity victory wade miles hunter mason taylor
    carter cooper porter baker fisher parker tanner archer major king prince earl duke baron
    sterling price bishop dean wolf fox lane drew gene jean ali sam max jay kay dee lee an
    long young small brown white black green gray grey page rod chance lucky sunny stormy
    cash penny candy ginger cherry river forest brook rain snow star storm nova marina sandy
    christian norman german dutch else tom van bo eve precious blessing comfort happy""".split()
)
NOT_NAMES = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march october
    november december ceo cfo coo cto vp hr it ea pa ops finance legal sales team office manager
    director chief staff executive assistant admin the a an and or but i we you they he she it
    my our your their this that these those thanks thank hi hello dear regards best cheers ok
    okay yes no not also still just so then now here there today tomorrow yesterday week weekend
    morning afternoon evening night outlook teams zoom slack workday concur sap salesforce
    copilot chatgpt excel word powerpoint google microsoft apple amazon oracle deloitte kpmg
    marriott hilton delta united uber lyft airbnb hibernate scala qt python java jira asana
    trello notion calendly docusign expensify coupa netsuite quickbooks sharepoint onedrive
    gmail linkedin github email e-mail call text ping please note update reminder meeting agenda
    budget report project client vendor travel expense expenses calendar inbox lunch coffee
    printer payroll onboarding offsite retreat workshop session survey feedback onenote webex
    general counsel people operations facilities marketing engineering procurement compliance
    security support desk service services group board committee council department head
    president partner founder chair secretary treasurer analyst coordinator intern island
    captain coach officer doctor nurse professor judge pastor sergeant colonel lieutenant
    detective agent mum mom dad uncle aunt grandma grandpa twitter facebook instagram tiktok
    youtube reddit whatsapp snapchat pinterest spotify netflix hey hi uh um oh wow yeah yup
    nope kinda gonna wanna gotta lol omg dang damn ya ty thx pls btw imo""".split()
) | (STOP_WORDS - AMBIGUOUS)
CUES_BEFORE = frozenset(
    """boss manager colleague coworker co-worker teammate assistant exec executive director vp
    with from cc bcc told asked thanked thank thanks welcome congrats congratulations contact
    ask ping met meet called emailed pinged introduced invite invited host mr mrs ms miss dr
    prof sir madam mx mentor mentee""".split()
)
STRONG_BEFORE = CUES_BEFORE - {"with", "from"}
CUES_AFTER = frozenset(
    """said says told asks asked mentioned wants wanted thinks thought emailed called left
    joined is was has had will would from in on at and 's ’s""".split()
)
STRONG_AFTER = frozenset(
    """said says told asked mentioned emailed called 's ’s thinks wants wanted left joined
    covered suggested""".split()
)
TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "mx", "sir", "madam", "dame"})
MONTHS = frozenset({"may", "june", "april", "august"})
_DATE_BEFORE = frozenset(
    """in from by until till since before after during through of early late mid next last this
    since end""".split()
)
# Words before a capitalised word that make it a place, time or thing rather than a person.
PLACE_BEFORE = frozenset(
    """in at near around across outside inside throughout during via within the a an this that
    these those every each any some all our your their its 's ’s""".split()
)
# Nouns after a capitalised word that make it a place or an organisation (``the Jordan office``).
_PLACE_NOUNS = frozenset(
    """office offices team trip hotel site campus branch offsite hub airport region market
    headquarters hq embassy consulate store warehouse plant factory time timezone summit
    conference account""".split()
)
_NON_PERSON_ENTS = frozenset(
    """ORG PRODUCT GPE LOC FAC NORP EVENT WORK_OF_ART DATE TIME LAW LANGUAGE""".split()
)
_PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
_TIME_ENTS = frozenset({"DATE", "TIME", "EVENT"})
_FINITE_VERB_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
# Tags a name never has (interjections, verbs, adverbs, function words).
_NOT_NAME_TAGS = frozenset(
    """UH VB VBG VBN RB RBR RBS CC DT IN PRP PRP$ WP WRB WDT MD TO EX PDT RP""".split()
)
_SENTENCE_END = frozenset({".", "!", "?", ":", ";", '"', "(", "-", "–", "—", "•", "*", "“"})
_PARTICLES = frozenset(
    """van von de der den da di del la le bin bint al el ibn du dos das ter st. ní nic ó ua uí
    mac mag ap ben abu ould dela bt""".split()
)
_SURNAME_SHAPE = re.compile(
    r"(?:ska|ski|cka|cki|wicz|czyk|czak|enko|chuk|shvili|adze|poulos|opoulou|escu|oglu|oğlu|"
    r"ović|ovic|ević|evic|sson|dottir|dóttir|ovna|ovich|ova|eva|yan|ian|akis|idis)$"
)
_FOLD = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "’": "'"}
)
_MAX_NAME_WORDS = 4


def fold(word: str) -> str:
    """Lower-case ``word`` and strip its diacritics (``Kamińska`` -> ``kaminska``)."""
    decomposed = unicodedata.normalize("NFKD", word.lower().translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _read_list(pattern: str) -> set[str]:
    names: set[str] = set()
    for path in sorted(DATA.glob(pattern)):
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.strip()
            if word and not word.startswith("#"):
                names.update({word.lower(), fold(word)})
    return names


def _nam_dict() -> set[str]:
    import gender_guesser.detector as detector

    path = Path(detector.__file__).parent / "data" / "nam_dict.txt"
    names: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line[:1] in "#=" or len(line) < 30:
                continue
            name = line.split()[1]
            for variant in {name.replace("+", ""), name.replace("+", "-")}:
                if variant.replace("-", "").isalpha():
                    names.update({variant.lower(), fold(variant)})
    return names


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Lower-cased (and folded) given names from many countries."""
    return frozenset((_nam_dict() | _read_list("given_names_*.txt")) - NOT_NAMES)


@lru_cache(maxsize=1)
def name_words() -> frozenset[str]:
    """Given names that are also English dictionary words (``Art``, ``Faith``, ``Adam``)."""
    return frozenset(_read_list("name_words.txt"))


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Lower-cased (and folded) family names from many countries."""
    return frozenset(_read_list("surnames_*.txt") - NOT_NAMES - AMBIGUOUS)


def load_lexicons() -> None:
    """Read every lexicon now (once per process), so that the first sentence is not slow."""
    first_names(), surnames(), surname_words(), name_words()


def is_given_name(word: str) -> bool:
    """A given name in the lexicon (case- and diacritic-insensitive)."""
    names = first_names()
    return word.lower() in names or fold(word) in names


@lru_cache(maxsize=1)
def surname_words() -> frozenset[str]:
    """Family names that are also English words (``Thompson``, ``Hill``): weaker evidence."""
    return frozenset(_read_list("surname_words.txt"))


def is_surname(word: str, *, weak: bool = False) -> bool:
    """A family name in the lexicon, or a word with a typical surname ending (-ska, -escu).

    With ``weak``, family names that are also English words count too.
    """
    names = surnames()
    folded = fold(word)
    if word.lower() in names or folded in names or _SURNAME_SHAPE.search(word):
        return True
    return weak and folded in surname_words()


def looks_like_name_word(word: str) -> bool:
    """Capitalised like a name (Okafor, O'Brien, McAllister, Nguyễn, Yılmaz), not a non-name."""
    if len(word) < 2 or not word[0].isupper() or word.lower() in NOT_NAMES | TITLES:
        return False
    body = word.replace("'", "").replace("’", "")
    return body.isalpha() and any(c.islower() for c in body[1:])


def is_particle(word: str) -> bool:
    """Name particles such as ``van``, ``de``, ``bin``, ``Ní``."""
    return word.lower() in _PARTICLES


@dataclass(frozen=True)
class _Context:
    """What the rules need to know about one candidate ``doc[start:end]``."""

    start: int
    end: int
    previous: str
    words: tuple[str, ...]
    cue: bool
    strong_cue: bool
    propn: bool


def find_names(
    doc: Doc, gazetteer: frozenset[str], *, use_lexicon: bool = True
) -> list[tuple[int, int]]:
    """Character spans of person names found by the lexicons, the gazetteer and context rules."""
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(doc):
        end = _name_at(doc, index, gazetteer, use_lexicon)
        if end > index:
            spans.append((doc[index].idx, doc[end - 1].idx + len(doc[end - 1])))
            index = end
        else:
            index += 1
    return spans


def _name_at(doc: Doc, index: int, gazetteer: frozenset[str], use_lexicon: bool) -> int:
    """The end token of a name starting at ``index``, or ``index`` when there is none."""
    token = doc[index]
    if not looks_like_name_word(token.text):
        return index
    end = _extent(doc, index)
    previous = doc[index - 1].lower_.rstrip(".") if index else ""
    words = tuple(
        t.text for t in doc[index:end] if t.text[:1].isalpha() and not is_particle(t.text)
    )
    following = doc[end].lower_ if end < len(doc) else ""
    strong = previous in STRONG_BEFORE | TITLES or following in STRONG_AFTER
    context = _Context(
        index, end, previous, words, has_cue(doc, index, end), strong, _is_propn(token)
    )
    return end if _is_name(doc, context, gazetteer, use_lexicon) else index


def _is_name(doc: Doc, ctx: _Context, gazetteer: frozenset[str], use_lexicon: bool) -> bool:
    token = doc[ctx.start]
    lower = token.lower_
    if lower in MONTHS and date_context(doc, ctx.start):
        return False
    if ctx.previous in TITLES:
        return True
    ambiguous = lower in AMBIGUOUS
    if any(w.lower() in gazetteer or fold(w) in gazetteer for w in ctx.words):
        return not ambiguous or ctx.cue or ctx.propn or len(ctx.words) > 1
    if ambiguous:
        return _ambiguous_is_name(doc, ctx)
    if token.ent_type_ == "PERSON" or (use_lexicon and is_given_name(token.text)):
        return _given_name_in_context(doc, ctx)
    return use_lexicon and _unknown_word_is_name(doc, ctx)


def _ambiguous_is_name(doc: Doc, ctx: _Context) -> bool:
    """``Grace``, ``May``, ``Will``: a name only with a cue, a surname, or as a verb's subject."""
    if _inside_proper_noun(doc, ctx.start):
        return False
    if ctx.cue:
        return True
    if _thing_context(doc, ctx.start, ctx.end):
        return False
    if len(ctx.words) > 1:
        return _evidence_for_full_name(doc, ctx)
    following = doc[ctx.end] if ctx.end < len(doc) else None
    return (
        ctx.propn
        and following is not None
        and following.tag_ in _FINITE_VERB_TAGS
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
    place = token.ent_type_ in _PLACE_ENTS
    word = token.lower_ in name_words() or fold(token.text) in name_words()
    if token.ent_type_ in _TIME_ENTS:
        return ctx.strong_cue or with_surname
    if _thing_context(doc, ctx.start, ctx.end) or (place and ctx.previous in {"to", "from"}):
        return ctx.strong_cue or (with_surname and not place)
    if _inside_proper_noun(doc, ctx.start) or (
        place and _listed_with_places(doc, ctx.start, ctx.end)
    ):
        return False
    if token.ent_type_ == "PERSON":
        return True
    if word and token.ent_type_ in _NON_PERSON_ENTS:
        return ctx.strong_cue or with_surname
    if token.tag_ in _NOT_NAME_TAGS:
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
        following.tag_.startswith("VB")
        or following.tag_ == "MD"
        or following.lower_ in CUES_AFTER | {","}
    )


def _unknown_word_is_name(doc: Doc, ctx: _Context) -> bool:
    """A word in no lexicon: a name in surname-first order, next to a surname, or after a cue."""
    token = doc[ctx.start]
    if token.ent_type_ in _NON_PERSON_ENTS - {"ORG", "NORP"} or not ctx.propn:
        return False
    if _thing_context(doc, ctx.start, ctx.end) or _inside_proper_noun(doc, ctx.start):
        return False
    rest = ctx.words[1:]
    if rest and (
        (is_surname(token.text) and any(is_given_name(w) for w in rest))
        or any(is_surname(w) for w in rest)
    ):
        return True
    following = doc[ctx.end].lower_ if ctx.end < len(doc) else ""
    strong = ctx.previous in STRONG_BEFORE or following in STRONG_AFTER - {"'s", "’s"}
    return strong and token.ent_type_ not in _NON_PERSON_ENTS


def _extent(doc: Doc, index: int) -> int:
    """The end of the run of name words starting at ``index`` (particles and hyphens included)."""
    end, words = index + 1, 1
    while end < len(doc) and words < _MAX_NAME_WORDS:
        token = doc[end]
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
    )


def date_context(doc: Doc, index: int) -> bool:
    """``in May``, ``May 5``: a month, not a person."""
    previous = doc[index - 1].lower_ if index else ""
    following = doc[index + 1] if index + 1 < len(doc) else None
    return previous in _DATE_BEFORE or (following is not None and following.like_num)


def _is_propn(token: Token) -> bool:
    return token.pos_ == "PROPN" or token.tag_ in {"NNP", "NNPS"}


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


def _thing_context(doc: Doc, start: int, end: int) -> bool:
    """``in Monterrey``, ``the Paris hotel``, ``Thiago's Instagram``, ``our Jordan office``."""
    previous = doc[start - 1].lower_ if start else ""
    following = doc[end].lower_ if end < len(doc) else ""
    return previous in PLACE_BEFORE or following in _PLACE_NOUNS


def _listed_with_places(doc: Doc, start: int, end: int) -> bool:
    """``Sydney, Dubai and Toronto``: a list whose other items are places that are not names."""
    neighbours = []
    for step, edge in ((-1, start - 1), (1, end)):
        index = edge
        while 0 <= index < len(doc) and doc[index].lower_ in {",", "and", "or", "&"}:
            index += step
        if 0 <= index < len(doc) and index != edge:
            neighbours.append(doc[index])
    return any(t.ent_type_ in _PLACE_ENTS and not is_given_name(t.text) for t in neighbours)


def entity_is_name(doc: Doc, start: int, end: int) -> bool:
    """Whether the NER model's PERSON entity ``doc[start:end]`` survives the context rules."""
    tokens = doc[start:end]
    if any(t.like_url or t.like_email or any(c.isdigit() for c in t.text) for t in tokens):
        return False
    words = [t.text for t in tokens if t.is_alpha]
    if not words or all(w.lower() in NOT_NAMES for w in words):
        return False
    if len(words) > 1:
        return True
    cue = has_cue(doc, start, end)
    if doc[start].lower_ in AMBIGUOUS:
        return cue and not date_context(doc, start)
    if _thing_context(doc, start, end) or _inside_proper_noun(doc, start):
        previous = doc[start - 1].lower_ if start else ""
        return cue and previous not in PLACE_BEFORE
    return True
