"""The codebook as a CSV file: columns ``code``, ``description``, ``examples`` (answers joined
by " | "), ``question`` (empty: community-wide) and ``parent``.

Reading is all or nothing: the first problem is raised with its row and column as a spreadsheet
shows them (the header is row 1) and what to do. Every cell written is neutralised against
formulas (:mod:`service.csvsafe`); reading takes that quote off again, so a file exported and
imported again gives the same codebook.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from pydantic import ValidationError

from service.codebook.schemas import EXAMPLE_SEPARATOR, CodeIn
from service.csvsafe import neutralise, write_csv
from service.errors import InvalidInput, Location

COLUMNS = ("code", "description", "examples", "question", "parent")
_NEUTRALISED = ("'=", "'+", "'-", "'@", "'\uff1d", "'\uff0b", "'\uff0d", "'\uff20")


def _cell(value: str | None) -> str:
    text = (value or "").strip()
    return text[1:] if text.startswith(_NEUTRALISED) else text


def _problem(message: str, row: int | None, column: str | None, hint: str) -> InvalidInput:
    return InvalidInput(message, location=Location(row=row, column=column), hint=hint)


def _header(fields: list[str] | None) -> None:
    found = [(f or "").strip().lower() for f in fields or ()]
    missing = [c for c in COLUMNS if c not in found]
    if missing:
        raise _problem(
            f"The codebook file has no column {missing[0]!r}",
            1,
            missing[0],
            f"The first row names the columns: {', '.join(COLUMNS)}.",
        )
    extra = [f for f in found if f not in COLUMNS]
    if extra:
        raise _problem(
            f"Unknown column {extra[0]!r} in the codebook file",
            1,
            extra[0],
            f"Use only the columns {', '.join(COLUMNS)}; remove the others.",
        )


def _row(number: int, raw: Mapping[str, str | None]) -> CodeIn:
    cells = {key.strip().lower(): _cell(value) for key, value in raw.items() if key}
    if None in raw:  # more cells than columns
        raise _problem(
            f"Row {number} has more cells than the header",
            number,
            None,
            "Quote cells that contain commas, or export the file again.",
        )
    if not cells.get("code"):
        raise _problem(
            f"Row {number} has no code name",
            number,
            "code",
            "Give every row a code name, or delete the row.",
        )
    examples = [e.strip() for e in cells.get("examples", "").split(EXAMPLE_SEPARATOR.strip())]
    try:
        return CodeIn(
            code=cells["code"],
            description=cells.get("description", ""),
            examples=[e for e in examples if e],
            question=cells.get("question") or None,
            parent=cells.get("parent") or None,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        column = str(first["loc"][0]) if first.get("loc") else None
        raise _problem(
            f"Row {number}, column {column}: {first['msg']}",
            number,
            column,
            "Shorten the cell (names up to 300 characters, descriptions up to 2,000, "
            "at most 20 examples).",
        ) from exc


def check_codebook(codes: list[CodeIn], *, rows: list[int] | None = None) -> None:
    """A code name once per scope; a parent that is a code of the file."""
    rows = rows or [i + 2 for i in range(len(codes))]
    seen: dict[tuple[str | None, str], int] = {}
    names = {code.code.casefold() for code in codes}
    for number, code in zip(rows, codes, strict=True):
        key = (code.question, code.code.casefold())
        if key in seen:
            raise _problem(
                f"Code {code.code!r} is in the codebook twice (rows {seen[key]} and {number})",
                number,
                "code",
                "Give each code of a question (or of the community) a name of its own.",
            )
        seen[key] = number
        if code.parent and code.parent.casefold() not in names:
            raise _problem(
                f"Row {number}: the parent {code.parent!r} is not a code of the file",
                number,
                "parent",
                "Name a code of the file as the parent, or leave the cell empty.",
            )


def read_codebook(data: bytes) -> list[CodeIn]:
    """The codes of a CSV file, in file order; :class:`InvalidInput` at the first problem."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _problem(
            "The codebook file is not UTF-8 text",
            None,
            None,
            "Save it as 'CSV UTF-8' from your spreadsheet program.",
        ) from exc
    reader = csv.DictReader(io.StringIO(text.replace("\x00", "")))
    _header(list(reader.fieldnames or []))
    codes, rows = [], []
    for number, raw in enumerate(reader, start=2):  # the header is row 1
        if not any((v or "").strip() for k, v in raw.items() if k):
            continue
        codes.append(_row(number, raw))
        rows.append(number)
    check_codebook(codes, rows=rows)
    return codes


def write_codebook(codes: Iterable[CodeIn]) -> str:
    """The codes as CSV text, formula cells neutralised."""
    return write_csv(
        COLUMNS,
        (
            [
                code.code,
                code.description,
                EXAMPLE_SEPARATOR.join(code.examples),
                code.question or "",
                code.parent or "",
            ]
            for code in codes
        ),
    )


__all__ = ["COLUMNS", "check_codebook", "neutralise", "read_codebook", "write_codebook"]
