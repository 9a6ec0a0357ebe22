"""SurveyMonkey: two header rows; multi-column questions are blank over their extra columns."""

from __future__ import annotations

from service.ingest import classify
from service.ingest.classify import clean_header
from service.ingest.decode import Table
from service.ingest.formats.base import Layout, SurveyFormat, column_values, disambiguate
from service.ingest.schemas import ColumnPlan, ColumnRole, QuestionKind

NAME = "surveymonkey"
_META = {
    "respondent id": ColumnRole.RESPONSE_ID,
    "respondentid": ColumnRole.RESPONSE_ID,
    "collector id": ColumnRole.METADATA,
    "collectorid": ColumnRole.METADATA,
    "start date": ColumnRole.STARTED_AT,
    "startdate": ColumnRole.STARTED_AT,
    "end date": ColumnRole.SUBMITTED_AT,
    "enddate": ColumnRole.SUBMITTED_AT,
    "email address": ColumnRole.RESPONDENT_ID,
}
_SINGLE = {"", "response", "open-ended response"}


def matches(table: Table) -> bool:
    """The first header is ``Respondent ID`` (``RespondentID`` in older exports)."""
    return len(table.rows) >= 2 and clean_header(table.rows[0][0]).lower() in (
        "respondent id",
        "respondentid",
    )


def _groups(top: list[str]) -> list[tuple[str, list[int]]]:
    groups: list[tuple[str, list[int]]] = []
    for index, raw in enumerate(top):
        header = clean_header(raw)
        if header or not groups:
            groups.append((header, [index]))
        else:
            groups[-1][1].append(index)
    return groups


def layout(table: Table) -> Layout:
    """Plan both header rows: metadata first, then each question's columns."""
    top, sub = table.rows[0], table.rows[1]
    columns: list[ColumnPlan] = []
    for question, indexes in _groups(top):
        columns.extend(_plan_group(table, question, indexes, sub))
    return Layout(NAME, header_rows=2, columns=disambiguate(columns))


def _plan_group(
    table: Table, question: str, indexes: list[int], sub: list[str]
) -> list[ColumnPlan]:
    role = _META.get(question.lower())
    if role is not None and len(indexes) == 1:
        return [ColumnPlan(indexes[0], question, role)]
    if classify.is_personal_header(question) or classify.is_metadata_header(question):
        kind = ColumnRole.PERSONAL if classify.is_personal_header(question) else ColumnRole.METADATA
        return [ColumnPlan(i, _label(question, sub, i), kind) for i in indexes]
    if len(indexes) == 1 and clean_header(sub[indexes[0]]).lower() in _SINGLE:
        values = column_values(table, 2, indexes[0])
        segment = classify.segment_of(question, values)
        return [
            ColumnPlan(indexes[0], question, ColumnRole.ANSWER, question=question, segment=segment)
        ]
    plans = []
    for index in indexes:
        label = clean_header(sub[index]) if index < len(sub) else ""
        seen = {v.strip() for v in column_values(table, 2, index) if v.strip()}
        if label and seen and seen <= {label}:
            plans.append(
                ColumnPlan(index, label, ColumnRole.CHOICE_FLAG, question=question, choice=label)
            )
        else:
            text = f"{question} - {label}" if label else question
            forced = QuestionKind.FREE_TEXT if "other" in label.lower() else None
            plans.append(ColumnPlan(index, text, ColumnRole.ANSWER, question=text, kind=forced))
    return plans


def _label(question: str, sub: list[str], index: int) -> str:
    label = clean_header(sub[index]) if index < len(sub) else ""
    return f"{question} - {label}" if label else question


FORMAT = SurveyFormat(
    NAME, "SurveyMonkey", matches=matches, layout=layout, listed=20, precedence=50
)
