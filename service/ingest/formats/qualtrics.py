"""Qualtrics: column names, question texts, ImportId JSON; legacy ``V1..`` exports too."""

from __future__ import annotations

import re

from service.ingest import classify
from service.ingest.classify import clean_header
from service.ingest.decode import Table
from service.ingest.formats.base import Layout, SurveyFormat, column_values, disambiguate
from service.ingest.schemas import ColumnPlan, ColumnRole, QuestionKind

NAME = "qualtrics"
_META = {
    "responseid": ColumnRole.RESPONSE_ID,
    "startdate": ColumnRole.STARTED_AT,
    "enddate": ColumnRole.SUBMITTED_AT,
    "recordeddate": ColumnRole.SUBMITTED_AT,
    "finished": ColumnRole.FINISHED,
    "progress": ColumnRole.PROGRESS,
    "recipientemail": ColumnRole.RESPONDENT_ID,
    "emailaddress": ColumnRole.RESPONDENT_ID,
    "externalreference": ColumnRole.RESPONDENT_ID,
    "externaldatareference": ColumnRole.RESPONDENT_ID,
    "ipaddress": ColumnRole.PERSONAL,
    "recipientlastname": ColumnRole.PERSONAL,
    "recipientfirstname": ColumnRole.PERSONAL,
    "name": ColumnRole.PERSONAL,
    "locationlatitude": ColumnRole.PERSONAL,
    "locationlongitude": ColumnRole.PERSONAL,
    "locationaccuracy": ColumnRole.METADATA,
    "status": ColumnRole.METADATA,
    "duration (in seconds)": ColumnRole.METADATA,
    "distributionchannel": ColumnRole.METADATA,
    "userlanguage": ColumnRole.METADATA,
    "responseset": ColumnRole.METADATA,
}
_V_COLUMN = re.compile(r"^V\d+$")
_SPLIT = re.compile(r"^(?P<base>.+)_(?P<choice>\d+)$")


def _is_import_id(cell: str) -> bool:
    return cell.strip().startswith(('{"ImportId"', "{'ImportId'"))


def matches(table: Table) -> bool:
    """ResponseId among the names, legacy V-columns, or an ImportId row."""
    if not table.rows:
        return False
    names = {clean_header(h).lower() for h in table.rows[0]}
    if "responseid" in names and ({"finished", "responseset", "status"} & names):
        return True
    second = [clean_header(h).lower() for h in table.rows[1]] if len(table.rows) > 1 else []
    if clean_header(table.rows[0][0]) == "V1" and "responseid" in second:
        return True
    return len(table.rows) > 2 and _is_import_id(table.rows[2][0])


def layout(table: Table) -> Layout:
    """Plan the columns: metadata by name, questions by text, split multi-selects grouped."""
    header_rows = 3 if len(table.rows) > 2 and _is_import_id(table.rows[2][0]) else 2
    names, texts = table.rows[0], table.rows[1]
    columns: list[ColumnPlan] = []
    for index, raw in enumerate(names):
        name = clean_header(raw)
        text = clean_header(texts[index]) if index < len(texts) else ""
        if _V_COLUMN.match(name) and text:
            name = text
        values = column_values(table, header_rows, index)
        columns.append(_plan(index, name, text, values))
    return Layout(NAME, header_rows=header_rows, columns=disambiguate(columns))


def _plan(index: int, name: str, text: str, values: list[str]) -> ColumnPlan:
    role = _META.get(name.lower())
    if role is not None:
        return ColumnPlan(index, name, role)
    if not name and not any(v.strip() for v in values):
        return ColumnPlan(index, name, ColumnRole.IGNORE)
    if name.endswith(" - Topics") or name.endswith(" - Parent Topics"):
        return ColumnPlan(index, name, ColumnRole.METADATA)
    question = text or name
    if classify.is_personal_header(question):
        return ColumnPlan(index, question, ColumnRole.PERSONAL)
    split = _SPLIT.match(name)
    present = {v.strip() for v in values if v.strip()}
    separator = " - " if " - " in question else "-"
    if split and separator in question and present <= {"1", "0"}:
        base, _, choice = question.rpartition(separator)
        return ColumnPlan(
            index, question, ColumnRole.CHOICE_FLAG, question=base.strip(), choice=choice.strip()
        )
    forced = QuestionKind.FREE_TEXT if name.upper().endswith("_TEXT") else None
    segment = classify.segment_of(question, values)
    return ColumnPlan(
        index, question, ColumnRole.ANSWER, question=question, segment=segment, kind=forced
    )


FORMAT = SurveyFormat(NAME, "Qualtrics", matches=matches, layout=layout, listed=30, precedence=60)
