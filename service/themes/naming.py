"""A theme's name wherever it is shown: the committee's name, else the generated label.

Every page, worry reason, suggestion, goal, digest and export names a theme through
:func:`display_name`. Texts written by an analysis (a worry reason, a goal's or a gap's reason)
quote the theme by the name it had then; :func:`renamed_in` puts today's name in their place, so
a rename shows everywhere at once, without waiting for the next analysis.
"""

from __future__ import annotations

from typing import Protocol

UNNAMED = "Unnamed theme"


class Named(Protocol):
    """Anything with a generated label and an optional human-given name (a stored theme)."""

    @property
    def name(self) -> str | None: ...  # noqa: D102

    @property
    def label(self) -> str: ...  # noqa: D102


def display_name(theme: Named) -> str:
    """The committee's name if it gave one, else the generated label."""
    return (theme.name or theme.label or UNNAMED).strip()


def renamed_in(text: str, old: str, new: str) -> str:
    """``text`` with every quoted mention of ``old`` (“old” or "old") naming ``new`` instead."""
    if not text or not old or old == new:
        return text
    for left, right in (("\u201c", "\u201d"), ('"', '"')):
        text = text.replace(f"{left}{old}{right}", f"{left}{new}{right}")
    return text
