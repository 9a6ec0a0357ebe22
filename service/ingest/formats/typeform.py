"""Typeform: ``#`` token first, HTML/markdown headers, one column per multi-select choice."""

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

NAME = "typeform"
_ROLES = {
    "#": ColumnRole.RESPONSE_ID,
    "submit date (utc)": ColumnRole.SUBMITTED_AT,
    "start date (utc)": ColumnRole.STARTED_AT,
    "stage date (utc)": ColumnRole.METADATA,
    "network id": ColumnRole.PERSONAL,
    "response type": ColumnRole.FINISHED,
    "tags": ColumnRole.METADATA,
}


def matches(table: Table) -> bool:
    """Typeform exports start with the ``#`` response token."""
    return bool(table.rows) and clean_header(table.rows[0][0]) == "#"


def _is_choice_column(header: str, values: list[str]) -> bool:
    present = {v.strip() for v in values if v.strip()}
    return bool(present) and present == {header}


def layout(table: Table) -> Layout:
    """Plan a Typeform export, grouping runs of choice columns into one multi-select."""
    columns: list[ColumnPlan] = []
    group: list[ColumnPlan] = []
    warnings: list[str] = []

    def close_group() -> None:
        if not group:
            return
        question = "Choices: " + " / ".join(p.choice or "" for p in group)
        for plan in group:
            plan.question = question
        columns.extend(group)
        group.clear()

    for index, raw in enumerate(table.rows[0]):
        header = clean_header(raw)
        values = column_values(table, 1, index)
        role = _ROLES.get(header.lower())
        if role is None and _is_choice_column(header, values):
            group.append(ColumnPlan(index, header, ColumnRole.CHOICE_FLAG, choice=header))
            continue
        close_group()
        if role is not None:
            columns.append(ColumnPlan(index, header, role))
        else:
            columns.append(plan_column(index, header, values))
    close_group()
    if any(p.role == ColumnRole.CHOICE_FLAG for p in columns):
        warnings.append(
            "Typeform writes multi-select answers as one column per choice without the question "
            "text; they are grouped as 'Choices: …' questions (name them with a mapping file)."
        )
    return Layout(NAME, header_rows=1, columns=disambiguate(columns), warnings=warnings)


FORMAT = SurveyFormat(NAME, "Typeform", matches=matches, layout=layout, listed=50, precedence=30)
