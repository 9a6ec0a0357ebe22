"""Crude stems of content words, so that "bookings", "booking" and "book" meet (no model)."""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z][a-z'-]+")
_STOP = frozenset(
    "a an and or the of to in on for with at by from about our my your their this that these "
    "those is are be was were how what which who new next other others more most less some any "
    "all it its as into".split()
)


def stem(word: str) -> str:
    """A crude stem so that "bookings", "booking" and "book" meet ("management" -> "manag")."""
    word = word.lower().strip("'-")
    for suffix in ("ments", "ment", "ings", "ing", "ies", "es", "ed", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return word


def content_stems(text: str) -> set[str]:
    """Stems of the content words of ``text``."""
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1} | {
        w.lower()
        for w in re.findall(r"\b[A-Z]{2,}\b", text)  # acronyms such as AI, ERP
    }
