"""How groups of members and the differences between them read in a sentence."""

from __future__ import annotations

from service.agenda.schemas import Divergence

DIMENSION_PLURAL = {
    "role": "roles",
    "level": "levels",
    "experience": "experience levels",
    "function": "departments",
}


def pluralize(word: str) -> str:
    """English plural of a role name's last word ("Executive Assistant" -> "...Assistants")."""
    if word.endswith("s"):
        return word
    if word.endswith("y") and word[-2:-1] not in tuple("aeiou"):
        return word[:-1] + "ies"
    if word.endswith(("ch", "sh", "x", "z")):
        return word + "es"
    return word + "s"


def group_phrase(dimension: str, group: str) -> str:
    """How members of a group read in a sentence: "Executive Assistants", "members in Legal"."""
    if dimension in ("role", "level"):
        return pluralize(group)
    if dimension == "experience":
        return f"members with {group}" + (" of experience" if "year" in group else " experience")
    return f"members in {group}"


def divergence_groups(divergence: Divergence) -> tuple[str, str, str]:
    """``(dimension plural, group a, group b)`` for angles and reasons."""
    dims = DIMENSION_PLURAL.get(divergence.dimension, divergence.dimension + "s")
    other = (
        group_phrase(divergence.dimension, divergence.other)
        if divergence.other
        else f"other {dims}"
    )
    return dims, group_phrase(divergence.dimension, divergence.group), other


def divergence_phrase(divergence: Divergence) -> str:
    """ "Executive Assistants and Office Managers see this differently (Executive Assistants
    sound more worried)"."""
    _, a, b = divergence_groups(divergence)
    higher = divergence.effect > 0
    if divergence.measure == "concern":
        how = "more worried" if higher else "less worried"
    else:
        how = "more positive" if higher else "more negative"
    return f"{a[0].upper() + a[1:]} and {b} see this differently ({a} sound {how})"
