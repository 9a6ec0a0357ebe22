"""The codebook CSV file: exactly its columns, located errors, formulas neutralised, and a
file exported and read again gives the same codebook."""

from __future__ import annotations

import pytest

from service.codebook.csvfile import COLUMNS, read_codebook, write_codebook
from service.codebook.schemas import CodeIn
from service.errors import InvalidInput

GOOD = (
    "code,description,examples,question,parent\r\n"
    "Workload,Long hours and too much to do,Working till 9 | No time for lunch,,\r\n"
    "Weekend work,Work spilling into weekends,I answer emails on Sunday,,Workload\r\n"
    "Calendars,Double bookings,My calendar is double booked,What's top of mind?,\r\n"
)


def test_reads_every_column() -> None:
    codes = read_codebook(GOOD.encode())
    assert [c.code for c in codes] == ["Workload", "Weekend work", "Calendars"]
    assert codes[0].examples == ["Working till 9", "No time for lunch"]
    assert codes[1].parent == "Workload" and codes[0].question is None
    assert codes[2].question == "What's top of mind?"


def test_written_with_exactly_the_columns_and_formulas_neutralised() -> None:
    text = write_codebook([CodeIn(code="=HYPERLINK(1)", examples=["+44 call me", "ok"])])
    header, row = text.splitlines()
    assert header == ",".join(COLUMNS) == "code,description,examples,question,parent"
    assert row.startswith("'=HYPERLINK(1)") and "'+44 call me | ok" in row


def test_export_then_import_gives_the_same_codebook() -> None:
    codes = read_codebook(GOOD.encode())
    codes.append(CodeIn(code="-minus start", description="@at", examples=["=1+1"]))
    again = read_codebook(write_codebook(codes).encode())
    assert again == codes


@pytest.mark.parametrize(
    ("text", "row", "column", "hint"),
    [
        ("code,description,examples,question\r\nA,,,\r\n", 1, "parent", "first row names"),
        ("code,description,examples,question,parent,extra\r\n", 1, "extra", "only the columns"),
        ("code,description,examples,question,parent\r\nA,,,,\r\n,desc,,,\r\n", 3, "code", "name"),
        ("code,description,examples,question,parent\r\nA,,,,\r\na,,,,\r\n", 3, "code", "own"),
        ("code,description,examples,question,parent\r\nA,,,,Nope\r\n", 2, "parent", "parent"),
        ("code,description,examples,question,parent\r\n" + "x" * 301 + ",,,,\r\n", 2, "code", ""),
    ],
)
def test_errors_name_the_row_the_column_and_what_to_do(
    text: str, row: int, column: str, hint: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_codebook(text.encode())
    assert caught.value.location.row == row
    assert caught.value.location.column == column
    assert hint in (caught.value.hint or "")


def test_not_utf8_is_refused_with_a_hint() -> None:
    with pytest.raises(InvalidInput, match="UTF-8"):
        read_codebook(
            "code,description,examples,question,parent\r\nCaf\xe9,,,,\r\n".encode("cp1252")
        )
