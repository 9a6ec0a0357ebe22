"""Any other CSV or JSON Lines file with one header row and one response per row."""

from __future__ import annotations

from service.ingest.classify import clean_header
from service.ingest.decode import Table
from service.ingest.formats.base import Layout, column_values, disambiguate, plan_column
from service.ingest.schemas import ColumnPlan, ColumnRole

_ROLES = {
    "respondent": ColumnRole.RESPONDENT_ID,
    "respondent_id": ColumnRole.RESPONDENT_ID,
    "member": ColumnRole.RESPONDENT_ID,
    "member_id": ColumnRole.RESPONDENT_ID,
    "user_id": ColumnRole.RESPONDENT_ID,
    "email": ColumnRole.RESPONDENT_ID,
    "response_id": ColumnRole.RESPONSE_ID,
    "id": ColumnRole.RESPONSE_ID,
    "submitted_at": ColumnRole.SUBMITTED_AT,
    "submitted": ColumnRole.SUBMITTED_AT,
    "timestamp": ColumnRole.SUBMITTED_AT,
    "created_at": ColumnRole.SUBMITTED_AT,
    "date": ColumnRole.SUBMITTED_AT,
    "channel": ColumnRole.CHANNEL,
}


def matches(table: Table) -> bool:
    """The fallback: any table with a header row."""
    return bool(table.rows)


def layout_for(name: str):  # noqa: ANN201 - returns a layout function
    """Return a planner that labels its layout ``name`` (``csv`` or ``jsonl``)."""

    def layout(table: Table) -> Layout:
        columns: list[ColumnPlan] = []
        for index, raw in enumerate(table.rows[0]):
            header = clean_header(raw)
            role = _ROLES.get(header.lower().replace(" ", "_"))
            if role is not None:
                columns.append(ColumnPlan(index, header, role))
            else:
                columns.append(plan_column(index, header, column_values(table, 1, index)))
        return Layout(name, header_rows=1, columns=disambiguate(columns))

    return layout
