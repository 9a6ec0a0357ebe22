"""The ingest use case: bytes in, a :class:`ParsedImport` out (nothing stored here)."""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from service.config import LimitSettings
from service.errors import InvalidInput, Location
from service.ingest import codes, formats
from service.ingest.decode import Table, read_table
from service.ingest.formats.base import (
    Layout,
    build_questions,
    check_rows,
    iter_records,
    respondent_ref,
    unfinished_warning,
)
from service.ingest.schemas import (
    ColumnPlan,
    ColumnRole,
    ParsedImport,
    ParsedRecord,
    QuestionKind,
    QuestionSpec,
)

_ROLE_WORDS = {
    "personal": ColumnRole.PERSONAL,
    "metadata": ColumnRole.METADATA,
    "ignore": ColumnRole.IGNORE,
    "respondent_id": ColumnRole.RESPONDENT_ID,
    "response_id": ColumnRole.RESPONSE_ID,
    "submitted_at": ColumnRole.SUBMITTED_AT,
}
_SEGMENT_NAMES = ("role", "level", "experience", "function")


def parse_export(
    data: bytes,
    filename: str,
    *,
    limits: LimitSettings,
    format_name: str = "auto",
    mapping: dict[str, Any] | None = None,
) -> ParsedImport:
    """Decode, detect, plan, apply the mapping and read every record of one file."""
    plan = plan_export(data, filename, limits=limits, format_name=format_name, mapping=mapping)
    records = [record for chunk in plan.record_chunks() for record in chunk]
    unfinished = [r.row for r in records if not r.finished]
    parsed = ParsedImport(
        format=plan.format,
        questions=plan.questions,
        records=records,
        warnings=plan.warnings_with(unfinished),
    )
    parsed.extra.update(plan.extra)
    return parsed


@dataclass
class ExportPlan:
    """A checked file and how to read it: its questions, and its records on demand.

    The decoded cells are held once; records (the bigger objects) are built a chunk at a time,
    so an import can redact and store one chunk before the next is read.
    """

    table: Table
    layout: Layout
    numbers: list[int]  # the file row of each data row kept
    questions: list[QuestionSpec]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def format(self) -> str:
        """The survey format's name."""
        return self.layout.format

    @property
    def rows(self) -> int:
        """How many responses the file holds."""
        return len(self.numbers)

    def record_chunks(self, size: int = 10_000) -> Iterator[list[ParsedRecord]]:
        """The records, ``size`` at a time, in file order."""
        return iter_records(self.table, self.layout, self.numbers, self.questions, size=size)

    def warnings_with(self, unfinished_rows: list[int]) -> list[str]:
        """The file's warnings, as :func:`parse_export` lists them."""
        return [*self.table.warnings, *self.layout.warnings, *unfinished_warning(unfinished_rows)]

    def personal_values(self) -> Iterator[str]:
        """Every personal-data cell and respondent e-mail (the redaction gazetteer's source).

        The same values records carry in ``personal_values`` and ``respondent_ref``, read from
        the cells alone, so the gazetteer is complete before the first chunk is redacted.
        """
        personal = [c.index for c in self.layout.columns if c.role == ColumnRole.PERSONAL]
        ids = [c.index for c in self.layout.columns if c.role == ColumnRole.RESPONDENT_ID]
        for row in self.table.rows[self.layout.header_rows :]:
            yield from (v for i in personal if i < len(row) and (v := row[i].strip()))
            ref = respondent_ref([row[i].strip() for i in ids if i < len(row)])
            if ref.startswith("email:"):
                yield ref.removeprefix("email:")


def plan_export(
    data: bytes,
    filename: str,
    *,
    limits: LimitSettings,
    format_name: str = "auto",
    mapping: dict[str, Any] | None = None,
) -> ExportPlan:
    """Decode, detect, plan and check one file; its records are read later, a chunk at a time."""
    known = formats.registry()
    if format_name != formats.AUTO and format_name not in known:
        raise InvalidInput(
            f"Unknown format {format_name!r}",
            hint=f"Use one of: {', '.join((formats.AUTO, *known))}.",
        )
    table = read_table(data, filename, limits)
    if not table.rows or not any(c.strip() for c in table.rows[0]):
        raise InvalidInput(
            f"{filename} has no header row",
            location=Location(row=1),
            hint="Upload the export with its header row.",
        )
    fmt = formats.detect(table) if format_name == formats.AUTO else known[format_name]
    layout = fmt.layout(table)
    if mapping:
        apply_mapping(layout, mapping, filename)
    numbers = check_rows(table, layout, filename, limits)
    questions = build_questions(table, layout)
    codes.read_choice_codes(table, layout, questions, mapping)
    extra = {"encoding": table.encoding, "container": table.container}
    return ExportPlan(table, layout, numbers, questions, extra)


def parse_mapping(raw: str | bytes | None) -> dict[str, Any] | None:
    """Read a mapping file's JSON, with a clear error when it is not valid."""
    if raw is None or (isinstance(raw, (str, bytes)) and not raw.strip()):
        return None
    try:
        mapping = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            "The mapping is not valid JSON",
            detail=f"Line {exc.lineno}, column {exc.colno}: {exc.msg}.",
            location=Location(row=exc.lineno, column=exc.colno),
            hint='Write it as {"columns": {"<header>": "free_text"}}.',
        ) from exc
    if (
        isinstance(mapping, dict)
        and "columns" not in mapping
        and isinstance(mapping.get("codes"), dict)
    ):
        mapping["columns"] = {}
    if not isinstance(mapping, dict) or not isinstance(mapping.get("columns"), dict):
        raise InvalidInput(
            'The mapping has no "columns" object',
            hint='Write it as {"columns": {"<header or column number or letter>": "<kind>"}}.',
        )
    return mapping


def _column_index(key: str, layout: Layout) -> int | None:
    for plan in layout.columns:
        if plan.header == key or plan.question == key:
            return plan.index
    if key.isdigit():
        return int(key) - 1
    if key and all(c in string.ascii_uppercase for c in key):
        index = 0
        for char in key:
            index = index * 26 + string.ascii_uppercase.index(char) + 1
        return index - 1
    return None


def apply_mapping(layout: Layout, mapping: dict[str, Any], filename: str) -> None:
    """Override column choices: a kind, a role, or ``segment:<name>``."""
    by_index = {plan.index: plan for plan in layout.columns}
    kinds = {k.value for k in QuestionKind}
    for key, choice in mapping["columns"].items():
        index = _column_index(str(key), layout)
        plan = by_index.get(index) if index is not None else None
        if plan is None:
            headers = ", ".join(repr(p.header) for p in layout.columns[:12])
            raise InvalidInput(
                f"The mapping names a column {key!r} that {filename} does not have",
                hint=f"Use a header exactly as exported, a 1-based number or a letter: {headers}",
            )
        _apply_choice(plan, str(choice), kinds)


def _apply_choice(plan: ColumnPlan, choice: str, kinds: set[str]) -> None:
    question = plan.question or plan.header
    if choice in _ROLE_WORDS:
        plan.role, plan.kind = _ROLE_WORDS[choice], None
    elif choice.startswith("segment:") and choice.split(":", 1)[1] in _SEGMENT_NAMES:
        plan.role, plan.question, plan.segment = ColumnRole.ANSWER, question, choice.split(":")[1]
        plan.kind = QuestionKind.SINGLE_CHOICE
    elif choice in kinds - {"personal", "metadata"}:
        plan.role, plan.question, plan.kind = ColumnRole.ANSWER, question, QuestionKind(choice)
    else:
        raise InvalidInput(
            f"The mapping gives column {plan.header!r} an unknown choice {choice!r}",
            hint="Use a kind (free_text, single_choice, multi_choice, numeric, likert, nps, "
            "yes_no, date), a role (personal, metadata, ignore, respondent_id, response_id, "
            "submitted_at) or segment:role|level|experience|function.",
        )
