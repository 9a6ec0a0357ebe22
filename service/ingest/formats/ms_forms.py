"""Microsoft Forms: ``ID, Start time, Completion time, Email, Name`` then questions."""

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

NAME = "ms_forms"
_ROLES = {
    "id": ColumnRole.RESPONSE_ID,
    "start time": ColumnRole.STARTED_AT,
    "completion time": ColumnRole.SUBMITTED_AT,
    "email": ColumnRole.RESPONDENT_ID,
    "name": ColumnRole.PERSONAL,
    "last modified time": ColumnRole.METADATA,
}


def matches(table: Table) -> bool:
    """An ``ID`` column followed by ``Start time`` and ``Completion time``."""
    headers = [clean_header(h).lower() for h in table.rows[0]] if table.rows else []
    return (
        bool(headers) and headers[0] == "id" and {"start time", "completion time"} <= set(headers)
    )


def layout(table: Table) -> Layout:
    """Plan the columns of a Microsoft Forms export (quiz columns are metadata)."""
    columns: list[ColumnPlan] = []
    for index, raw in enumerate(table.rows[0]):
        header = clean_header(raw)
        role = _ROLES.get(header.lower())
        if role is not None:
            columns.append(ColumnPlan(index, header, role))
        else:
            columns.append(plan_column(index, header, column_values(table, 1, index)))
    return Layout(NAME, header_rows=1, columns=disambiguate(columns), key_with_start=True)


FORMAT = SurveyFormat(
    NAME, "Microsoft Forms", matches=matches, layout=layout, listed=40, precedence=40
)
