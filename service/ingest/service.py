"""The ingest use case: bytes in, a :class:`ParsedImport` out (nothing stored here)."""

from __future__ import annotations

import json
import string
from typing import Any

from service.config import LimitSettings
from service.errors import InvalidInput, Location
from service.ingest import formats
from service.ingest.decode import read_table
from service.ingest.formats.base import Layout, build_import
from service.ingest.schemas import ColumnPlan, ColumnRole, ParsedImport, QuestionKind

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
    parsed = build_import(table, layout, filename, limits)
    parsed.warnings = table.warnings + parsed.warnings
    parsed.extra["encoding"] = table.encoding
    parsed.extra["container"] = table.container
    return parsed


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
