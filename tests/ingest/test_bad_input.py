"""Bad input is refused with what, where and what to do."""

from __future__ import annotations

import pytest

from service.config import LimitSettings
from service.errors import InvalidInput, TooLarge, UnsupportedFormat
from service.ingest.service import parse_export, parse_mapping
from tests.conftest import fixture_bytes

LIMITS = LimitSettings()

CASES = [
    ("bad/empty.csv", InvalidInput, None, None),
    ("bad/header_only.csv", InvalidInput, 2, None),
    ("bad/binary.csv", UnsupportedFormat, 1, 1),
    ("bad/ragged.csv", InvalidInput, 4, 11),
    ("bad/truncated.csv", InvalidInput, 5, None),
    ("bad/bad_encoding.csv", InvalidInput, 2, None),
    ("bad/not_a_list.json", InvalidInput, 1, 1),
    ("bad/many_columns.csv", TooLarge, 1, 2001),
]


@pytest.mark.parametrize(("path", "error", "row", "column"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_is_refused_with_a_location(
    path: str, error: type[Exception], row: int | None, column: int | None
) -> None:
    with pytest.raises(error) as caught:
        parse_export(fixture_bytes(path), path.rsplit("/", 1)[-1], limits=LIMITS)
    body = caught.value.as_dict()  # type: ignore[attr-defined]
    assert set(body) == {"error", "detail", "location", "hint"}
    assert path.rsplit("/", 1)[-1] in body["error"]
    assert body["hint"]
    assert body["location"] == {"row": row, "column": column}


def test_row_limit_names_the_row() -> None:
    data = b"Timestamp,Q\r\n" + b"".join(b"1/1/2026 10:00:00,a\r\n" for _ in range(30))
    with pytest.raises(TooLarge) as caught:
        parse_export(data, "big.csv", limits=LimitSettings(max_rows=10))
    assert caught.value.location.row is not None


def test_cell_limit_names_row_and_column() -> None:
    data = b"Timestamp,Q\r\n1/1/2026 10:00:00," + b"x" * 50 + b"\r\n"
    with pytest.raises(TooLarge) as caught:
        parse_export(data, "long.csv", limits=LimitSettings(max_cell_chars=20))
    assert (caught.value.location.row, caught.value.location.column) == (2, 2)


def test_jsonl_with_a_broken_line_names_it() -> None:
    data = b'{"respondent": "a", "date": "2026-09-01", "note": "x"}\n{"respondent": \n'
    with pytest.raises(InvalidInput) as caught:
        parse_export(data, "notes.jsonl", limits=LIMITS)
    assert caught.value.location.row == 2


@pytest.mark.parametrize(
    "raw", ["{not json", '{"columns": []}', '["a"]'], ids=["syntax", "list", "top-level-list"]
)
def test_bad_mapping_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput):
        parse_mapping(raw)


def test_mapping_naming_a_missing_column_is_refused() -> None:
    mapping = parse_mapping('{"columns": {"No such question": "free_text"}}')
    with pytest.raises(InvalidInput, match="No such question"):
        parse_export(
            fixture_bytes("google_forms/basic.csv"), "b.csv", limits=LIMITS, mapping=mapping
        )


def test_unknown_format_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Unknown format"):
        parse_export(b"a,b\n1,2\n", "x.csv", limits=LIMITS, format_name="spss")


def test_formula_cells_are_kept_as_text() -> None:
    parsed = parse_export(fixture_bytes("generic/formulas.csv"), "f.csv", limits=LIMITS)
    texts = [a.text for r in parsed.records for a in r.answers]
    assert '=HYPERLINK("http://evil.example","x")' in texts
    assert "@SUM(A1)" in texts
