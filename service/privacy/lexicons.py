"""Word lists for the name rules: given names and surnames from multi-country lexicons, words
that are also names, cue words, titles and roles, and the English vocabulary of the pipeline.

Lexicons: given names from gender-guesser's ``nam_dict`` plus ``data/given_names_*.txt``, surnames
from ``data/surnames_*.txt`` (see ``data/README.md`` for provenance). Diacritics are folded, so
``Sinéad`` and ``Sinead`` both match.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language

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
    meh ugh hmm hmmm yay nah yep argh phew welp eh gah oof yikes whew oops ooh aah ahh
    nope kinda gonna wanna gotta lol omg dang damn ya ty thx pls btw imo edit idk tldr tl;dr yo
    god lord person uni ps fyi asap eta wfh ooo pto friends folks guys everyone everybody y'all
    redditors reddit fam ladies gentlemen ids ramadan eid diwali hanukkah chanukah christmas
    easter passover thanksgiving halloween holi navratri vesak lent advent shabbat mon tue tues
    wed weds thu thur thurs fri sat siri tel fax""".split()
) | (STOP_WORDS - AMBIGUOUS)
CUES_BEFORE = frozenset(
    """boss manager colleague coworker co-worker teammate assistant exec executive director vp
    with from cc bcc told asked thanked thank thanks welcome congrats congratulations contact
    ask ping met meet called emailed pinged introduced invite invited host mr mrs ms miss dr
    prof sir madam mx mentor mentee""".split()
)
DEPARTMENTS = frozenset(
    """finance legal hr it sales marketing engineering procurement compliance security support
    facilities operations ops people accounting accounts payroll admin design product research
    data comms communications partnerships programmes programs events""".split()
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
TITLES = frozenset("mr mrs ms miss dr prof mx sir madam dame khun capt mister".split())
MONTHS = frozenset({"may", "june", "april", "august"})
# ``St Thomas'``, ``San Isidro``: a saint names a church, school, hospital or place.
SAINTS = frozenset({"st", "saint", "ste", "san", "santa"})
# Mail headers that end a name written before them (``From: Ewa Nowak Sent: Monday``).
MAIL_HEADERS = frozenset("sent subject date to cc bcc from re fw".split())

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


def fold(word: str) -> str:
    """Lower-case ``word`` and strip its diacritics (``Kamińska`` -> ``kaminska``)."""
    if word.isascii():
        return word.lower()  # nothing to strip
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


def english_words(nlp: Language) -> frozenset[str]:
    """Lower-case English words from the pipeline's lemmatizer tables (WordNet lemmas and their
    irregular forms, such as ``felt``); empty when the pipeline has no lookup lemmatizer."""
    if "lemmatizer" not in nlp.component_names:
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    words: set[str] = set()
    for table_name in ("lemma_index", "lemma_exc"):
        if lookups is None or not lookups.has_table(table_name):
            continue
        table = lookups.get_table(table_name)
        for pos in ("noun", "verb", "adj", "adv"):
            if pos in table:
                words.update(w for w in table[pos] if w.isalpha())
    return frozenset(words)


def is_english(word: str, english: frozenset[str]) -> bool:
    """``word`` (lower case) or its singular (``friends``, ``boxes``, ``stories``) is English."""
    if word in english:
        return True
    if word.endswith("ies") and word[:-3] + "y" in english:
        return True
    return word.endswith("s") and (word[:-1] in english or word[:-2] in english)
