"""Person names beyond what the NER model finds: a first-name lexicon with context rules."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

# Given names that are also ordinary English words: tagged only with a person cue or a surname.
AMBIGUOUS = frozenset(
    """grace may will hope joy faith summer bill mark rose iris dawn amber jack frank art grant
    chase guy don pat sue rich bob bud buck ray sky june april august autumn winter crystal ruby
    pearl violet daisy lily holly ivy heather jasmine olive sage angel destiny harmony honor
    justice liberty mercy patience prudence trinity victory wade miles hunter mason taylor
    carter cooper porter baker fisher parker tanner archer major king prince earl duke baron
    sterling price bishop dean wolf fox lane drew gene jean ali sam max jay kay dee lee an
    long young small brown white black green gray grey page rod gray chance lucky sunny stormy
    cash penny candy ginger cherry river forest brook rain snow star storm nova marina sandy
    christian norman german dutch else tom van bo""".split()
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
    printer payroll onboarding offsite retreat workshop session survey feedback""".split()
) | (STOP_WORDS - AMBIGUOUS)
CUES_BEFORE = frozenset(
    """boss manager colleague coworker co-worker teammate assistant exec executive director vp
    with from cc told asked thanked met called emailed pinged mr mrs ms miss dr
    prof sir madam mx""".split()
)
CUES_AFTER = frozenset(
    """said says told asks asked mentioned wants wanted thinks thought emailed called left
    joined is was has had will would from in on at and 's ’s""".split()
)
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "del", "la", "le", "bin",
                        "bint", "al", "el", "ibn", "du", "dos", "das", "ter", "st."})
_TITLE_WORD = re.compile(r"^[A-Z][a-zà-ÿ'’-]+$|^[A-Z]['’][A-Z][a-z]+$|^[A-Z][a-z]+[A-Z][a-z]+$")


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Lower-cased given names from many countries (gender-guesser's nam_dict, GFDL data)."""
    import gender_guesser.detector as detector

    path = Path(detector.__file__).parent / "data" / "nam_dict.txt"
    names: set[str] = set()
    with path.open(encoding="iso-8859-1") as handle:
        for line in handle:
            if line.startswith("#") or len(line) < 30:
                continue
            name = line[3:29].strip()
            if name and "+" not in name and "<" not in name and name.isalpha():
                names.add(name.lower())
    return frozenset(names - NOT_NAMES)


def looks_like_name_word(word: str) -> bool:
    """Capitalised like a name (Okafor, O'Brien, McAllister, Nguyen)."""
    return bool(_TITLE_WORD.match(word)) and word.lower() not in NOT_NAMES


def is_particle(word: str) -> bool:
    """Name particles such as ``van``, ``de``, ``bin``."""
    return word.lower() in _PARTICLES
