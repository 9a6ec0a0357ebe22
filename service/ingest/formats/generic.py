"""Column planning shared by the generic layouts (``other_csv``, ``json_lines``): one header row."""

from __future__ import annotations

import re

from service.ingest.classify import clean_header
from service.ingest.decode import Table
from service.ingest.formats.base import Layout, column_values, disambiguate, plan_column
from service.ingest.schemas import ColumnPlan, ColumnRole

_ROLES = {
    "respondent": ColumnRole.RESPONDENT_ID,
    "respondentid": ColumnRole.RESPONDENT_ID,
    "member": ColumnRole.RESPONDENT_ID,
    "memberid": ColumnRole.RESPONDENT_ID,
    "userid": ColumnRole.RESPONDENT_ID,
    "email": ColumnRole.RESPONDENT_ID,
    # A response's own id is the row's key: rows with different ids are never one response.
    "id": ColumnRole.RESPONSE_ID,
    "responseid": ColumnRole.RESPONSE_ID,
    "submissionid": ColumnRole.RESPONSE_ID,
    "entryid": ColumnRole.RESPONSE_ID,
    "rowid": ColumnRole.RESPONSE_ID,
    "recordid": ColumnRole.RESPONSE_ID,
    "submittedat": ColumnRole.SUBMITTED_AT,
    "submitted": ColumnRole.SUBMITTED_AT,
    "timestamp": ColumnRole.SUBMITTED_AT,
    "createdat": ColumnRole.SUBMITTED_AT,
    "date": ColumnRole.SUBMITTED_AT,
    "channel": ColumnRole.CHANNEL,
}
_NOT_A_LETTER = re.compile(r"[^a-z0-9]+")


def role_of(header: str) -> ColumnRole | None:
    """The role a generic column's name gives it ("Response ID", "submission_id", "ResponseId")."""
    return _ROLES.get(_NOT_A_LETTER.sub("", header.lower()))


def layout_for(name: str):  # noqa: ANN201 - returns a layout function
    """Return a planner that labels its layout ``name`` (``csv`` or ``jsonl``)."""

    def layout(table: Table) -> Layout:
        columns: list[ColumnPlan] = []
        for index, raw in enumerate(table.rows[0]):
            header = clean_header(raw)
            role = role_of(header)
            if role is not None:
                columns.append(ColumnPlan(index, header, role))
            else:
                columns.append(plan_column(index, header, column_values(table, 1, index)))
        return Layout(name, header_rows=1, columns=disambiguate(columns))

    return layout
