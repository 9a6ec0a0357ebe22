"""A cheap test that a text cannot hold personal data, so that it may skip the spaCy pipeline.

Most check-in answers are plain English ("the board pack went out on time", "Nothing"). A text
passes only when every one of these holds, each a condition under which no rule of the redactor
can fire:

- only ASCII letters, spaces and plain punctuation: no digit (phones, IDs, addresses, IPs), no
  ``@`` (e-mail), no ``/`` or a dot inside a word (URLs), no word "dot" (an address spelt
  out), no accented letter (names such as ``Zoë``), no number read out digit by digit;
- no capital letter except a sentence's first letter and the pronoun ``I``;
- every word is an English dictionary word or a stop word and is none of: a given name, a
  family name (or shaped like one, ``-ska``), a name that is also a word (``Grace``, ``Will``),
  a month that is a name, a title, a word of the import's gazetteer; a capitalised word is no
  family name that is also a word either (``Good``, ``Best``).

It is conservative by design: ``spoke to aisha`` fails (``aisha`` is no English word), and so
does ``thanks to will`` (``will`` is a given name). The redaction output is unchanged by it:
``evaluation/reports/ingest.md`` records the check over the PII evaluation sets and a generated
export, and ``tests/privacy/test_precheck.py`` keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from service.privacy import lexicons
from service.privacy.patterns import SPOKEN_NUMBER

_PLAIN = re.compile(r"[A-Za-z ,.;:!?'()\-\n]*")
_DOT_IN_WORD = re.compile(r"\.[A-Za-z]")
_SPELT_DOT = re.compile(r"\bdot\b", re.IGNORECASE)  # an address spelt out: "bea at x dot com"
_WORD = re.compile(r"[A-Za-z]+")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)([A-Z])")
# Pieces of a contraction after the apostrophe (``didn't``, ``we're``, ``I'm``).
_CLITICS = frozenset({"t", "s", "re", "ve", "ll", "d", "m"})
# Words before ``n't`` (``didn't``, ``don't``, ``won't``).
_NEGATED = frozenset(
    "didn doesn don isn wasn weren aren couldn wouldn shouldn hasn haven hadn won ain mustn "
    "needn".split()
)


def lower_names() -> frozenset[str]:
    """Every word a name rule may read as a name in lower case (words that are never names, such
    as ``service`` or ``can``, excepted)."""
    return (
        lexicons.first_names()
        | lexicons.surnames()
        | lexicons.name_words()
        | lexicons.AMBIGUOUS
        | lexicons.MONTHS
        | lexicons.TITLES
    ) - lexicons.NOT_NAMES


def capital_names() -> frozenset[str]:
    """Words that may be a name when capitalised: the above and surnames that are also words
    (``Good``, ``Best``)."""
    return lower_names() | lexicons.surname_words()


def safe_words(english: Iterable[str], stop_words: Iterable[str]) -> frozenset[str]:
    """English words and stop words that no name rule can read as a name."""
    words = {w.lower() for w in (*english, *stop_words) if w.isascii() and w.isalpha()}
    return frozenset(w for w in words - lower_names() if not lexicons.is_surname(w))


def cannot_hold_pii(
    text: str,
    *,
    safe: frozenset[str],
    names: frozenset[str],
    capitals: frozenset[str],
    gazetteer: frozenset[str],
) -> bool:
    """True when ``text`` surely holds nothing the redactor replaces (see the module's rules).

    ``safe`` comes from :func:`safe_words`, ``names`` from :func:`lower_names` and ``capitals``
    from :func:`capital_names`.
    """
    if not _PLAIN.fullmatch(text) or _DOT_IN_WORD.search(text) or _SPELT_DOT.search(text):
        return False
    if SPOKEN_NUMBER.search(text):
        return False  # a number read out (``four four seven one eight two``)
    starts = {m.start(1) for m in _SENTENCE_START.finditer(text)}
    for match in _WORD.finditer(text):
        word = match.group()
        lower = word.lower()
        if not word.islower() and not (
            (match.start() in starts and word[1:].islower()) or word == "I"
        ):
            return False
        if word == "I" or (lower in _CLITICS and text[match.start() - 1 : match.start()] == "'"):
            continue
        if lower in _NEGATED and text[match.end() : match.end() + 2] == "'t":
            continue
        capital = not word.islower()
        if lower in gazetteer or lower in (capitals if capital else names):
            return False
        if not _known(lower, safe):
            return False
    return True


def _known(word: str, safe: frozenset[str]) -> bool:
    """A safe word, or the plural of one (``boxes``, ``stories``)."""
    if word in safe:
        return True
    if word.endswith("ies") and word[:-3] + "y" in safe:
        return True
    return word.endswith("s") and (word[:-1] in safe or word[:-2] in safe)
