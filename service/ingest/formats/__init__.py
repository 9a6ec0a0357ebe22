"""The registry of survey tools: one module per tool, each exporting one ``FORMAT``.

Adding a tool is adding a module to this package (with its fixture and its test): detection,
the CLI's ``--format`` choices, the API's check of the ``format`` field and the upload page's
list all read :func:`registry`. Modules without a ``FORMAT`` (``base``, ``generic``) are shared
helpers.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.ingest.decode import Table
    from service.ingest.formats.base import SurveyFormat

AUTO = "auto"


@cache
def registry() -> dict[str, SurveyFormat]:
    """Every tool's format by name, in listing order (imported on first use, then kept)."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        if hasattr(loaded, "FORMAT"):
            found.append(loaded.FORMAT)
    found.sort(key=lambda fmt: (fmt.listed, fmt.name))
    by_name = {fmt.name: fmt for fmt in found}
    if len(by_name) != len(found) or AUTO in by_name:
        names = sorted(fmt.name for fmt in found)
        raise RuntimeError(f"Two survey formats share a name, or one is named 'auto': {names}")
    return by_name


def names() -> tuple[str, ...]:
    """The format names in listing order (``--format`` accepts these and ``auto``)."""
    return tuple(registry())


def choices() -> list[tuple[str, str]]:
    """``(value, label)`` pairs for a format picker, ``auto`` first."""
    return [(AUTO, "Detect automatically")] + [(f.name, f.label) for f in registry().values()]


def detection_order() -> list[SurveyFormat]:
    """The formats in the order detection tries them: most specific signature first."""
    return sorted(registry().values(), key=lambda fmt: -fmt.precedence)


def detect(table: Table) -> SurveyFormat:
    """The first format, in detection order, whose signature the table carries."""
    for fmt in detection_order():
        if fmt.matches(table):
            return fmt
    raise LookupError("No survey format accepts the table")  # the generic ones accept any
