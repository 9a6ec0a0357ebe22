"""Facilitators' check-in notes: respondent, date, channel, note (JSON, JSONL or CSV)."""

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
from service.ingest.schemas import Channel, ColumnPlan, ColumnRole, QuestionKind

NAME = "checkins"
NOTE_QUESTION = "Check-in note"
_RESPONDENT = {"respondent", "respondent_id", "member", "member_id", "email", "who"}
_DATE = {"date", "when", "checked_in_at", "submitted_at", "timestamp"}
_NOTE = {"note", "notes", "text", "summary"}


def matches(table: Table) -> bool:
    """A note column beside a respondent column."""
    headers = {clean_header(h).lower() for h in table.rows[0]} if table.rows else set()
    return bool(headers & _NOTE) and bool(headers & _RESPONDENT)


def layout(table: Table) -> Layout:
    """Plan a notes file; every note is free text whatever it looks like."""
    columns: list[ColumnPlan] = []
    for index, raw in enumerate(table.rows[0]):
        header = clean_header(raw)
        lowered = header.lower()
        if lowered in _RESPONDENT:
            columns.append(ColumnPlan(index, header, ColumnRole.RESPONDENT_ID))
        elif lowered in _DATE:
            columns.append(ColumnPlan(index, header, ColumnRole.SUBMITTED_AT))
        elif lowered == "channel":
            columns.append(ColumnPlan(index, header, ColumnRole.CHANNEL))
        elif lowered in _NOTE:
            columns.append(
                ColumnPlan(
                    index,
                    header,
                    ColumnRole.ANSWER,
                    question=NOTE_QUESTION,
                    kind=QuestionKind.FREE_TEXT,
                )
            )
        else:
            columns.append(plan_column(index, header, column_values(table, 1, index)))
    return Layout(NAME, header_rows=1, columns=disambiguate(columns), default_channel=Channel.NOTE)


FORMAT = SurveyFormat(
    NAME, "Check-in notes", matches=matches, layout=layout, listed=60, precedence=20
)
