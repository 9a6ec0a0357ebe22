"""Any other CSV, TSV or XLSX file with one header row and one response per row (the fallback)."""

from __future__ import annotations

from service.ingest.decode import Table
from service.ingest.formats.base import SurveyFormat
from service.ingest.formats.generic import layout_for

NAME = "csv"


def matches(table: Table) -> bool:
    """Any table with a header row that did not come from JSON."""
    return bool(table.rows) and table.container != "json"


FORMAT = SurveyFormat(
    NAME, "Other CSV", matches=matches, layout=layout_for(NAME), listed=70, precedence=0
)
