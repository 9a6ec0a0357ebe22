"""Shared machinery: turn a table and its column plan into normalised records."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from service.config import LimitSettings
from service.errors import InvalidInput, Location, TooLarge
from service.ingest import classify, codes
from service.ingest.dates import parse_datetime
from service.ingest.decode import Table
from service.ingest.schemas import (
    Answer,
    Channel,
    ColumnPlan,
    ColumnRole,
    ParsedRecord,
    QuestionKind,
    QuestionSpec,
)

_IDENTIFYING = {ColumnRole.PERSONAL, ColumnRole.RESPONDENT_ID}
_BOOKKEEPING = {
    ColumnRole.RESPONSE_ID,
    ColumnRole.SUBMITTED_AT,
    ColumnRole.STARTED_AT,
    ColumnRole.FINISHED,
    ColumnRole.PROGRESS,
    ColumnRole.CHANNEL,
    ColumnRole.METADATA,
}
_UNFINISHED = {"0", "false", "partial", "incomplete"}
_ANONYMOUS = {"", "anonymous", "anon", "n/a"}


@dataclass
class Layout:
    """What a format module found: header rows and how to read each column."""

    format: str
    header_rows: int
    columns: list[ColumnPlan]
    key_with_start: bool = False  # the tool's ID is only unique together with the start time
    default_channel: Channel = Channel.SURVEY
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SurveyFormat:
    """One survey tool's file layout: its name, how to recognise it and how to plan its columns.

    Each module in ``service/ingest/formats/`` exports one as ``FORMAT``; the registry in
    ``service/ingest/formats/__init__.py`` collects them. ``listed`` places the format in the
    lists people read (``--format``, the upload page); ``precedence`` orders detection, most
    specific signature first: a table is read by the first format, by falling precedence, whose
    ``matches`` accepts it.
    """

    name: str  # the ``--format`` value, stored as the import's format
    label: str  # how the upload page names it
    matches: Callable[[Table], bool]
    layout: Callable[[Table], Layout]  # the column roles of a table in this layout
    listed: int
    precedence: int


def plan_column(index: int, header: str, values: list[str]) -> ColumnPlan:
    """Plan a column from its (cleaned) header alone: personal, metadata or an answer."""
    if not header and not any(v.strip() for v in values):
        return ColumnPlan(index, header, ColumnRole.IGNORE)
    if classify.is_personal_header(header):
        return ColumnPlan(index, header, ColumnRole.PERSONAL)
    if classify.is_metadata_header(header):
        return ColumnPlan(index, header, ColumnRole.METADATA)
    return ColumnPlan(
        index,
        header,
        ColumnRole.ANSWER,
        question=header,
        segment=classify.segment_of(header, values),
    )


def disambiguate(columns: list[ColumnPlan]) -> list[ColumnPlan]:
    """Give repeated question headers distinct texts ("Other", "Other (2)"): parse by position."""
    seen: dict[str, int] = {}
    for plan in columns:
        if plan.role != ColumnRole.ANSWER or plan.question is None:
            continue
        seen[plan.question] = seen.get(plan.question, 0) + 1
        if seen[plan.question] > 1:
            plan.question = f"{plan.question} ({seen[plan.question]})"
    return columns


def column_values(table: Table, header_rows: int, index: int) -> list[str]:
    """The data cells of one column."""
    return [row[index] if index < len(row) else "" for row in table.rows[header_rows:]]


def check_rows(table: Table, layout: Layout, filename: str, limits: LimitSettings) -> list[int]:
    """Refuse ragged rows and over-long cells, naming the row and column.

    Blank rows are dropped; the file row number of each row kept is returned, in order.
    """
    width = len(table.rows[layout.header_rows - 1]) if layout.header_rows else len(table.rows[0])
    kept: list[list[str]] = table.rows[: layout.header_rows]
    numbers: list[int] = []
    for number, row in enumerate(table.rows[layout.header_rows :], start=layout.header_rows + 1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            raise InvalidInput(
                f"{filename}: row {number} has {len(row)} cells but the header has {width}",
                detail=f"Unexpected value {row[width][:60]!r} beyond the last header column.",
                location=Location(row=number, column=width + 1),
                hint="A cell probably contains an unquoted delimiter; export the file again from "
                "the survey tool rather than editing it.",
            )
        if len(row) < width:
            raise InvalidInput(
                f"{filename}: row {number} has {len(row)} cells but the header has {width}",
                detail="The row is shorter than the header: the file may be truncated or edited.",
                location=Location(row=number, column=len(row) + 1),
                hint="Export the file again from the survey tool.",
            )
        for column, cell in enumerate(row, start=1):
            if len(cell) > limits.max_cell_chars:
                raise TooLarge(
                    f"{filename}: a cell holds {len(cell)} characters, more than "
                    f"{limits.max_cell_chars}",
                    location=Location(row=number, column=column),
                    hint="Raise PEERPULSE_MAX_CELL_CHARS if such long answers are expected.",
                )
        kept.append(row[:width])
        numbers.append(number)
    if len(kept) == layout.header_rows:
        raise InvalidInput(
            f"{filename} has a header but no responses",
            detail=f"Found {layout.header_rows} header row(s) and no data rows.",
            location=Location(row=layout.header_rows + 1),
            hint="Export again after responses have been collected.",
        )
    table.rows = kept
    return numbers


def iter_records(
    table: Table,
    layout: Layout,
    numbers: list[int],
    questions: list[QuestionSpec],
    *,
    size: int = 10_000,
) -> Iterator[list[ParsedRecord]]:
    """The records of a checked table, ``size`` at a time, in file order."""
    by_text = {q.text: q for q in questions}
    rows = table.rows
    for start in range(0, len(numbers), size):
        yield [
            _record(rows[layout.header_rows + i], numbers[i], layout, by_text)
            for i in range(start, min(start + size, len(numbers)))
        ]


def unfinished_warning(rows: list[int]) -> list[str]:
    """The warning for unfinished responses kept (none when every response is finished)."""
    if not rows:
        return []
    return [
        f"{len(rows)} unfinished response(s) kept and flagged (rows "
        f"{', '.join(map(str, rows[:10]))}{'…' if len(rows) > 10 else ''})"
    ]


def build_questions(table: Table, layout: Layout) -> list[QuestionSpec]:
    """The questions of a checked table: kinds and choices read from every row of each column."""
    specs: dict[str, QuestionSpec] = {}
    for plan in layout.columns:
        if plan.role in _IDENTIFYING or plan.role in _BOOKKEEPING:
            kind = QuestionKind.PERSONAL if plan.role in _IDENTIFYING else QuestionKind.METADATA
            header = plan.header or f"column {plan.index + 1}"
            specs.setdefault(header, QuestionSpec(header, kind))
            continue
        if plan.role == ColumnRole.IGNORE or plan.question is None:
            continue
        if plan.role == ColumnRole.CHOICE_FLAG:
            spec = specs.setdefault(
                plan.question, QuestionSpec(plan.question, QuestionKind.MULTI_CHOICE)
            )
            if plan.choice and plan.choice not in spec.choices:
                spec.choices.append(plan.choice)
            continue
        values = column_values(table, layout.header_rows, plan.index)
        kind = plan.kind or classify.infer_kind(plan.question, values)
        spec = QuestionSpec(plan.question, kind, segment=plan.segment)
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTI_CHOICE):
            spec.choices = _choices(values, plan, kind)
        specs.setdefault(plan.question, spec)
    return [s for s in specs.values() if s.text]


def _choices(values: list[str], plan: ColumnPlan, kind: QuestionKind) -> list[str]:
    seen: dict[str, None] = {}
    if kind == QuestionKind.SINGLE_CHOICE:
        for value in values:
            if value.strip():
                seen.setdefault(value.strip(), None)
        return list(seen)
    separator = plan.separator or _separator(values)
    whole = {v.strip() for v in values if v.strip() and separator.strip() not in v}
    for value in values:
        for label in classify.split_multi(value.rstrip(";"), separator, whole):
            seen.setdefault(label, None)
    return list(seen)


def _separator(values: list[str]) -> str:
    return ";" if any(v.strip().endswith(";") for v in values) else ", "


def _record(
    row: list[str], number: int, layout: Layout, questions: dict[str, QuestionSpec]
) -> ParsedRecord:
    record = ParsedRecord(
        row=number,
        source_row=number - layout.header_rows,
        source_key="",
        respondent_ref="",
        submitted_at=None,
        channel=layout.default_channel,
    )
    cells: dict[ColumnRole, list[tuple[ColumnPlan, str]]] = {}
    for plan in layout.columns:
        cell = row[plan.index].strip() if plan.index < len(row) else ""
        cells.setdefault(plan.role, []).append((plan, cell))
    _bookkeeping(record, cells)
    _answers(record, cells, questions)
    respondent_refs = [cell for _, cell in cells.get(ColumnRole.RESPONDENT_ID, [])]
    raw = [
        (plan.header, cell)
        for role in (ColumnRole.ANSWER, ColumnRole.CHOICE_FLAG)
        for plan, cell in cells.get(role, [])
    ]
    content = _content_hash(raw + [("\x00respondent", ref) for ref in respondent_refs])
    response_id = next((c for _, c in cells.get(ColumnRole.RESPONSE_ID, []) if c), "")
    started = next((c for _, c in cells.get(ColumnRole.STARTED_AT, []) if c), "")
    if record.submitted_at is None and started:
        record.submitted_at = parse_datetime(started)
    if response_id:
        suffix = f":{started}" if layout.key_with_start else ""
        record.source_key = f"{layout.format}:{response_id}{suffix}"
    else:
        when = record.submitted_at.isoformat() if record.submitted_at else ""
        record.source_key = f"{layout.format}:{when}:{content}"
    record.respondent_ref = respondent_ref(respondent_refs)
    if not record.respondent_ref:  # no identifier: this response stands for an unknown person
        record.identified = False
        record.respondent_ref = f"response:{record.source_key}"
    return record


def _bookkeeping(
    record: ParsedRecord, cells: dict[ColumnRole, list[tuple[ColumnPlan, str]]]
) -> None:
    """Time, completion, channel and personal values (kept only for the redaction gazetteer)."""
    for _, cell in cells.get(ColumnRole.SUBMITTED_AT, []):
        record.submitted_at = record.submitted_at or parse_datetime(cell)
    for _, cell in cells.get(ColumnRole.FINISHED, []):
        record.finished = record.finished and cell.lower() not in _UNFINISHED
    for _, cell in cells.get(ColumnRole.PROGRESS, []):
        progress = classify.parse_number(cell)
        record.finished = record.finished and (progress is None or progress >= 100)
    for _, cell in cells.get(ColumnRole.CHANNEL, []):
        record.channel = channel_of(cell)
    record.personal_values.extend(c for _, c in cells.get(ColumnRole.PERSONAL, []) if c)


def _answers(
    record: ParsedRecord,
    cells: dict[ColumnRole, list[tuple[ColumnPlan, str]]],
    questions: dict[str, QuestionSpec],
) -> None:
    """Typed answers, ticked choices and the member's segments."""
    for plan, cell in cells.get(ColumnRole.ANSWER, []):
        if plan.question in questions and cell:
            spec = questions[plan.question]
            record.answers.append(typed_answer(spec, cell))
            if spec.segment:
                record.segments[spec.segment] = codes.decode(spec, cell)
    ticks: dict[str, list[str]] = {}
    for plan, cell in cells.get(ColumnRole.CHOICE_FLAG, []):
        if plan.question and cell and cell != "0":
            ticks.setdefault(plan.question, []).append(plan.choice or cell)
    record.answers.extend(Answer(question=q, choices=labels) for q, labels in ticks.items())


def respondent_ref(candidates: list[str]) -> str:
    """The person's identifier from the first usable candidate (e-mails normalised)."""
    for value in candidates:
        cleaned = value.strip()
        if cleaned.lower() in _ANONYMOUS:
            continue
        if "@" in cleaned:
            return f"email:{cleaned.lower()}"
        return f"id:{cleaned}"
    return ""


def channel_of(value: str) -> Channel:
    """Map a free-form channel name to a :class:`Channel`."""
    lowered = value.strip().lower()
    if "phone" in lowered or "call" in lowered:
        return Channel.CHECKIN_PHONE
    if "mail" in lowered:
        return Channel.CHECKIN_EMAIL
    if "survey" in lowered:
        return Channel.SURVEY
    return Channel.NOTE


def typed_answer(spec: QuestionSpec, cell: str) -> Answer:
    """Store a cell as text and, where the kind has one, as a typed value."""
    cell = codes.decode(spec, cell)
    answer = Answer(question=spec.text, text=cell)
    if spec.kind in (QuestionKind.NUMERIC, QuestionKind.LIKERT, QuestionKind.NPS):
        answer.number = classify.parse_number(cell)
    elif spec.kind == QuestionKind.YES_NO:
        answer.number = codes.yes_no_number(cell)
    elif spec.kind == QuestionKind.MULTI_CHOICE:
        separator = ";" if cell.endswith(";") or ";" in cell else ", "
        answer.choices = classify.split_multi(cell.rstrip(";"), separator, set(spec.choices))
        answer.text = None
    elif spec.kind == QuestionKind.DATE:
        answer.when = parse_datetime(cell)
    return answer


def _content_hash(cells: list[tuple[str, str]]) -> str:
    """A hash of the raw answer cells: independent of the kinds inferred for this one file."""
    digest = hashlib.sha256()
    for header, cell in sorted(cells):
        digest.update(f"{header}\x1f{cell}\x1e".encode())
    return digest.hexdigest()[:24]
