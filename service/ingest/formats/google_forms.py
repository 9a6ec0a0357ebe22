"""Google Forms: ``Timestamp``, optional ``Email Address``, then one column per question."""

from __future__ import annotations

from service.ingest.classify import clean_header
from service.ingest.decode import Table
from service.ingest.formats.base import (
    Layout,
    SurveyFormat,
    column_values,
    disambiguate,
    plan_column,
)
from service.ingest.schemas import ColumnPlan, ColumnRole

NAME = "google_forms"


def matches(table: Table) -> bool:
    """Google Forms files start with a ``Timestamp`` column."""
    return bool(table.rows) and clean_header(table.rows[0][0]).lower() == "timestamp"


def layout(table: Table) -> Layout:
    """Plan the columns of a Google Forms export."""
    columns: list[ColumnPlan] = []
    for index, raw in enumerate(table.rows[0]):
        header = clean_header(raw)
        lowered = header.lower()
        if lowered == "timestamp":
            columns.append(ColumnPlan(index, header, ColumnRole.SUBMITTED_AT))
        elif lowered in ("email address", "email", "e-mail address"):
            columns.append(ColumnPlan(index, header, ColumnRole.RESPONDENT_ID))
        else:
            columns.append(plan_column(index, header, column_values(table, 1, index)))
    return Layout(NAME, header_rows=1, columns=disambiguate(columns))


FORMAT = SurveyFormat(
    NAME, "Google Forms", matches=matches, layout=layout, listed=10, precedence=10
)
