"""Any other JSON or JSON Lines file: one object per response (the fallback for JSON)."""

from __future__ import annotations

from service.ingest.decode import Table
from service.ingest.formats.base import SurveyFormat
from service.ingest.formats.generic import layout_for

NAME = "jsonl"


def matches(table: Table) -> bool:
    """Any table read from JSON or JSON Lines."""
    return bool(table.rows) and table.container == "json"


FORMAT = SurveyFormat(
    NAME, "JSON Lines", matches=matches, layout=layout_for(NAME), listed=80, precedence=0
)
