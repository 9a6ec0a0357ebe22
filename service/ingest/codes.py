"""Choice codes read as choices: Qualtrics' numeric-values export, and a mapping's ``codes``.

Qualtrics' default CSV export ("numeric values") writes each choice as its position: the first
choice shown is 1, the second 2 and so on. A yes/no question ("Did you attend…?") then arrives
as 1 and 2, and read as numbers its attendance averaged 1.12. Where the meaning follows from the
question, it is mapped: a yes/no question coded 1/2 reads 1 as yes and 2 as no (Qualtrics' Yes /
No choices, in that order). Where it does not (a rating coded 1-5 may list its best choice first;
a multiple-choice question coded 1-6 has no labels in the file), the import keeps the numbers
and warns, naming the mapping to write:

.. code-block:: json

    {"codes": {"How satisfied were you?": {"1": "5", "2": "4", "3": "3", "4": "2", "5": "1"}}}

A mapping's ``codes`` replace a column's cells before they are read ("1" -> "Yes"), for any
format; ``columns`` may still force the kind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from service.errors import InvalidInput
from service.ingest import classify
from service.ingest.decode import Table
from service.ingest.schemas import ColumnRole, QuestionKind, QuestionSpec

if TYPE_CHECKING:
    from service.ingest.formats.base import Layout

YES_NO_CODES = {"1": "Yes", "2": "No"}
_YES_NO_QUESTION = re.compile(
    r"^(are|is|do|did|have|has|was|were|will|would|can|could)\b", re.IGNORECASE
)
_QUANTITY = re.compile(r"\b(how many|how much|number of|hours|minutes|years|times|age)\b", re.I)
_MAX_CODES = 11
# a rating whose question states its scale ("(1-5)", "1 = poor") says which end is best
_STATED_SCALE = re.compile(r"\(\s*\d+\s*[-\u2013]\s*\d+\s*\)|\b\d+\s*=\s*\w", re.IGNORECASE)


def _codes(values: list[str]) -> set[int] | None:
    """The distinct integer codes of a column, when every answer is one (1 and up)."""
    present = {v.strip() for v in values if v and v.strip()}
    if not present or not all(v.isdigit() for v in present):
        return None
    found = {int(v) for v in present}
    return found if min(found) >= 1 and max(found) <= _MAX_CODES else None


def read_choice_codes(
    table: Table, layout: Layout, questions: list[QuestionSpec], mapping: Mapping[str, Any] | None
) -> None:
    """Give each question its code map (a mapping's, else one Qualtrics' numbering implies) and
    warn, on the layout, where a Qualtrics numeric column's meaning cannot be inferred."""
    given = _given_codes(mapping, questions)
    by_text = {q.text: q for q in questions}
    for plan in layout.columns:
        spec = by_text.get(plan.question or "")
        if plan.role != ColumnRole.ANSWER or spec is None:
            continue
        if spec.text in given:
            _apply(spec, given[spec.text])
            continue
        if layout.format != "qualtrics" or plan.kind is not None:
            continue
        index = plan.index
        codes = _codes(
            [r[index] if index < len(r) else "" for r in table.rows[layout.header_rows :]]
        )
        if codes is None or _QUANTITY.search(spec.text):
            continue
        _infer(layout, spec, codes)


def _apply(spec: QuestionSpec, codes: dict[str, str]) -> None:
    """A mapping's codes: yes/no labels make a yes/no question, numbers keep the kind (a
    reversed rating), other labels make a single-choice question of those labels."""
    spec.codes = codes
    meanings = set(codes.values())
    if all(classify.yes_no_value(v) is not None for v in meanings):
        spec.kind = QuestionKind.YES_NO
    elif not all(classify.parse_number(v) is not None for v in meanings):
        spec.kind = QuestionKind.SINGLE_CHOICE
        spec.choices = list(dict.fromkeys(codes.values()))


def _infer(layout: Layout, spec: QuestionSpec, codes: set[int]) -> None:
    name = spec.text if len(spec.text) <= 60 else spec.text[:57] + "..."
    if codes <= {1, 2} and _YES_NO_QUESTION.match(spec.text):
        spec.kind, spec.codes = QuestionKind.YES_NO, dict(YES_NO_CODES)
        layout.warnings.append(
            f"{name!r} holds the choice codes 1 and 2: read as 1 = Yes, 2 = No (Qualtrics "
            "numbers choices from 1 in the order shown)"
        )
        return
    if spec.kind == QuestionKind.NPS or len(codes) < 2:
        return
    top = max(codes)
    if spec.kind == QuestionKind.LIKERT and not _STATED_SCALE.search(spec.text):
        reverse = {str(c): str(top + 1 - c) for c in range(1, top + 1)}
        layout.warnings.append(
            f"{name!r} holds the choice codes 1-{top}: read as a rating where {top} is best. "
            f"If its first choice was the best, import again with the mapping "
            f"{json.dumps({'codes': {spec.text: reverse}}, ensure_ascii=False)}"
        )
    elif spec.kind == QuestionKind.NUMERIC:
        labels = {str(c): f"<choice {c}>" for c in range(1, top + 1)}
        layout.warnings.append(
            f"{name!r} holds the choice codes 1-{top}, without their labels: kept as numbers. "
            f"To read them as choices, import again with the mapping "
            f"{json.dumps({'codes': {spec.text: labels}}, ensure_ascii=False)} "
            "(each choice's label, in the order the survey showed them)"
        )


def _given_codes(
    mapping: Mapping[str, Any] | None, questions: list[QuestionSpec]
) -> dict[str, dict[str, str]]:
    """The mapping's ``codes``, checked: each names a question and maps codes to text."""
    raw = (mapping or {}).get("codes") or {}
    if not isinstance(raw, Mapping):
        raise InvalidInput(
            'The mapping\'s "codes" is not an object',
            hint='Write it as {"codes": {"<question>": {"1": "Yes", "2": "No"}}}.',
        )
    texts = {q.text for q in questions}
    found: dict[str, dict[str, str]] = {}
    for question, codes in raw.items():
        if question not in texts or not isinstance(codes, Mapping):
            raise InvalidInput(
                f"The mapping's codes name a question {question!r} the file does not have",
                hint="Use the question's text exactly as the import lists it.",
            )
        found[str(question)] = {str(k).strip(): str(v).strip() for k, v in codes.items()}
    return found


def decode(spec: QuestionSpec, cell: str) -> str:
    """The cell as its choice, where the question has a code map."""
    return spec.codes.get(cell.strip(), cell) if spec.codes else cell


def yes_no_number(cell: str) -> float | None:
    """1.0 for yes, 0.0 for no (a 0/1 code reads as itself)."""
    flag = classify.yes_no_value(cell)
    if flag is not None:
        return float(flag)
    number = classify.parse_number(cell)
    return number if number in (0.0, 1.0) else None
