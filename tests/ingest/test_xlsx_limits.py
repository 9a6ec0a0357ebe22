"""Hostile workbooks (bombs, entities) are refused early with a location, never a 500."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.cli import app
from service.config import LimitSettings, get_settings
from service.errors import InvalidInput, TooLarge
from service.ingest.service import parse_export
from service.storage import db

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Limits high enough that only the streaming scan (not the ZIP directory) can refuse.
WIDE_OPEN = LimitSettings(max_unpacked_mb=100_000, max_compression_ratio=10**9)


def _template() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Timestamp", "What's on your mind?"])
    workbook.active.append(["2026-09-01 10:00:00", "placeholder"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_with(parts: dict[str, Iterable[bytes]]) -> bytes:
    """A real openpyxl workbook whose named parts are replaced (streamed) by ``parts``."""
    source = zipfile.ZipFile(io.BytesIO(_template()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name not in parts and not (name == "[Content_Types].xml" and STRINGS in parts):
                target.writestr(name, source.read(name))
        for name, chunks in parts.items():
            with target.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
        if STRINGS in parts:
            types = source.read("[Content_Types].xml").replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
            target.writestr("[Content_Types].xml", types)
    return out.getvalue()


def sheet(rows: Iterable[bytes], *, prolog: bytes = b"") -> Iterator[bytes]:
    """A worksheet part around ``rows`` (each a ``<row>`` element)."""
    yield prolog + f'<worksheet xmlns="{NS}"><dimension ref="A1:XFD1048576"/><sheetData>'.encode()
    yield from rows
    yield b"</sheetData></worksheet>"


def text_row(number: int, *cells: str) -> bytes:
    inner = "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells)
    return f'<row r="{number}">{inner}</row>'.encode()


def huge_cell_row(chars: int) -> Iterator[bytes]:
    yield b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    block = b"a" * (1 << 20)
    for _ in range(chars // len(block)):
        yield block
    yield b"</t></is></c></row>"


def refusal(data: bytes, limits: LimitSettings = WIDE_OPEN) -> dict[str, object]:
    with pytest.raises(InvalidInput) as caught:
        parse_export(data, "bomb.xlsx", limits=limits)
    body = caught.value.as_dict()
    assert set(body) == {"error", "detail", "location", "hint"}
    assert "bomb.xlsx" in body["error"]
    return {"type": type(caught.value), **body}


def test_many_rows_are_refused_at_the_first_row_past_the_limit() -> None:
    rows = (text_row(n, "2026-09-01", f"answer {n}") for n in range(1, 50_001))
    body = refusal(
        workbook_with({SHEET: sheet(rows)}), WIDE_OPEN.model_copy(update={"max_rows": 100})
    )
    assert body["type"] is TooLarge
    assert body["location"] == {"row": 104, "column": None}


def test_one_huge_row_is_refused_at_the_first_column_past_the_limit() -> None:
    cells = (f'<c r="{_letters(n)}1"><v>{n}</v></c>'.encode() for n in range(1, 16_385))
    rows = [b'<row r="1">', *cells, b"</row>"]
    body = refusal(workbook_with({SHEET: sheet(rows)}))
    assert body["type"] is TooLarge
    assert body["location"] == {"row": 1, "column": 2001}


def test_one_huge_cell_is_refused_before_it_is_read_whole() -> None:
    body = refusal(workbook_with({SHEET: sheet(huge_cell_row(64 << 20))}))
    assert body["type"] is TooLarge
    assert body["location"] == {"row": 1, "column": 1}
    assert "20000 characters" in str(body["error"])


def test_huge_shared_string_is_refused() -> None:
    strings = [
        f'<sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>'.encode(),
        *([b"b" * (1 << 20)] * 8),
        b"</t></si></sst>",
    ]
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>']
    body = refusal(workbook_with({SHEET: sheet(rows), STRINGS: strings}))
    assert body["type"] is TooLarge
    assert "shared string 1" in str(body["error"])


def test_zip_bomb_is_refused_from_the_zip_directory() -> None:
    # The tester's case, smaller: a part that unpacks a thousand times its packed size.
    body = refusal(workbook_with({SHEET: sheet(huge_cell_row(64 << 20))}), LimitSettings())
    assert body["type"] is TooLarge
    assert "compressed" in str(body["error"])
    assert SHEET in str(body["detail"])


def test_unpacked_size_limit() -> None:
    rows = (text_row(n, "2026-09-01", f"answer {n} " * 20) for n in range(1, 60_001))
    limits = LimitSettings(max_unpacked_mb=2)
    body = refusal(workbook_with({SHEET: sheet(rows)}), limits)
    assert body["type"] is TooLarge
    assert "unpacks to more than 2 MB" in str(body["error"])


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
)


@pytest.mark.parametrize("prolog", XXE, ids=["external_entity", "entity_expansion"])
def test_entities_in_the_sheet_are_refused(prolog: bytes) -> None:
    body = refusal(
        workbook_with({SHEET: sheet([text_row(1, "Timestamp", "&xxe;")], prolog=prolog)})
    )
    # openpyxl meets the sheet's prolog first (defusedxml refuses it); the scan would too.
    assert body["type"] is InvalidInput
    assert "Forbidden" in str(body["detail"]) or "DTD" in str(body["error"])


@pytest.mark.parametrize("prolog", XXE, ids=["external_entity", "entity_expansion"])
def test_entities_in_the_workbook_part_are_refused(prolog: bytes) -> None:
    # openpyxl reads workbook.xml itself; defusedxml makes it refuse the DTD.
    template = zipfile.ZipFile(io.BytesIO(_template()))
    workbook_xml = template.read("xl/workbook.xml")
    body = refusal(workbook_with({"xl/workbook.xml": [prolog + workbook_xml]}))
    assert body["type"] is InvalidInput
    assert "not a readable XLSX workbook" in str(body["error"])
    assert "Forbidden" in str(body["detail"])


def test_undefined_entity_names_the_row() -> None:
    rows = [text_row(1, "Timestamp", "Q"), text_row(2, "2026-09-01", "&undefined;")]
    body = refusal(workbook_with({SHEET: sheet(rows)}))
    assert body["type"] is InvalidInput
    assert "not well-formed XML" in str(body["error"])
    assert "undefined entity" in str(body["detail"])
    assert body["location"] == {"row": 2, "column": 2}


def test_claimed_dimension_does_not_pad_rows() -> None:
    rows = [text_row(1, "Timestamp", "What's on your mind?"), text_row(2, "2026-09-01", "Fine")]
    parsed = parse_export(workbook_with({SHEET: sheet(rows)}), "ok.xlsx", limits=LimitSettings())
    assert [a.text for r in parsed.records for a in r.answers] == ["Fine"]


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def test_cli_refuses_a_hostile_workbook_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: the CLI exited 1 with a traceback (only opening the workbook was guarded)."""
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", "cli-test-secret-key-long-enough-0123456789")
    get_settings.cache_clear()
    db.engine_for.cache_clear()
    path = tmp_path / "hostile.xlsx"
    rows = [text_row(1, "Timestamp", "Q"), text_row(2, "2026-09-01", "&undefined;")]
    path.write_bytes(workbook_with({SHEET: sheet(rows)}))
    try:
        result = CliRunner().invoke(app, ["ingest", str(path), "--community", "circle"])
    finally:
        get_settings.cache_clear()
        db.engine_for.cache_clear()
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    error = json.loads(result.stderr)
    assert "hostile.xlsx" in error["error"] and error["location"] == {"row": 2, "column": 2}


MALFORMED = {
    "row_number_not_a_number": b'<row r="two"><c t="inlineStr"><is><t>x</t></is></c></row>',
    "number_cell_not_a_number": b'<row r="2"><c r="B2"><v>not a number</v></c></row>',
    "unclosed_cell": b'<row r="2"><c r="B2"><v>1</v></row>',
}


@pytest.mark.parametrize("row", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_sheet_is_invalid_input_with_a_row(row: bytes) -> None:
    body = refusal(workbook_with({SHEET: sheet([text_row(1, "Timestamp", "Q"), row])}))
    assert body["type"] is InvalidInput
    assert body["location"]["row"] == 2  # type: ignore[index]


def styles_of(elements: int) -> Iterator[bytes]:
    """A styles part of ``elements`` cell formats: small when zipped, huge once unpacked."""
    yield f'<styleSheet xmlns="{NS}"><cellXfs count="{elements}">'.encode()
    for start in range(0, elements, 10_000):
        yield b"".join(
            f'<xf numFmtId="{(n * 7919) % 100_003}"/>'.encode()
            for n in range(start, min(start + 10_000, elements))
        )
    yield b"</cellXfs></styleSheet>"


def test_huge_styles_part_is_refused_before_openpyxl_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: a 20 MB styles.xml (8 to 1, under the ratio limit) was parsed whole."""
    import service.ingest.xlsx as xlsx

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("openpyxl was asked to read the workbook")

    monkeypatch.setattr(xlsx, "_load", never)
    body = refusal(workbook_with({"xl/styles.xml": styles_of(600_000)}), LimitSettings())
    assert body["type"] is TooLarge
    assert "xl/styles.xml" in str(body["error"]) and "xl/styles.xml" in str(body["detail"])


def test_large_sheet_is_not_held_to_the_other_parts_cap() -> None:
    rows = (text_row(n, "2026-09-01", f"answer {n} " * 8) for n in range(1, 60_001))
    parsed = parse_export(workbook_with({SHEET: sheet(rows)}), "big.xlsx", limits=LimitSettings())
    assert len(parsed.records) == 59_999


CHART = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet"
REDIRECTS = {
    "content_types_name_it_the_workbook": (
        "[Content_Types].xml",
        b'PartName="/xl/workbook.xml"',
        b'PartName="/xl/worksheets/sheet2.xml"',
    ),
    "workbook_relationship_names_it_a_chart_sheet": (
        "xl/_rels/workbook.xml.rels",
        b"</Relationships>",
        f'<Relationship Id="rId99" Type="{CHART}" Target="worksheets/sheet2.xml"/>'
        "</Relationships>".encode(),
    ),
}


@pytest.mark.parametrize("redirect", REDIRECTS.values(), ids=REDIRECTS.keys())
def test_large_sheet_named_as_another_part_is_refused(redirect: tuple[str, bytes, bytes]) -> None:
    """openpyxl reads whole whatever the content types or relationships name as the workbook,
    a chart sheet, ...: a large worksheet named so must not escape the other parts' cap."""
    name, old, new = redirect
    original = zipfile.ZipFile(io.BytesIO(_template())).read(name)
    assert old in original
    rows = (text_row(n, "2026-09-01", f"answer {n} " * 8) for n in range(1, 60_001))
    parts = {name: [original.replace(old, new)], "xl/worksheets/sheet2.xml": sheet(rows)}
    body = refusal(workbook_with(parts), LimitSettings())
    assert body["type"] is TooLarge
    assert "xl/worksheets/sheet2.xml" in str(body["error"]) and name in str(body["detail"])


BAD_NUMBERS = {
    "row_number_of_5000_digits": f'<row r="{"9" * 5000}"><c><v>1</v></c></row>'.encode(),
    "row_number_superscript_two": '<row r="²"><c><v>1</v></c></row>'.encode(),
    "cell_row_of_5000_digits": f'<row r="2"><c r="B{"9" * 5000}"><v>1</v></c></row>'.encode(),
    "cell_row_superscript_two": '<row r="2"><c r="B²"><v>1</v></c></row>'.encode(),
}


@pytest.mark.parametrize("row", BAD_NUMBERS.values(), ids=BAD_NUMBERS.keys())
def test_row_number_that_int_cannot_read_is_invalid_input(row: bytes) -> None:
    """Regression: ``r="²"`` passed ``isdigit()`` and 5,000 digits broke ``int()`` (a 500)."""
    body = refusal(workbook_with({SHEET: sheet([text_row(1, "Timestamp", "Q"), row])}))
    assert body["type"] is InvalidInput
    assert body["location"]["row"] == 2  # type: ignore[index]


def test_api_answers_422_for_a_row_number_int_cannot_read(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    rows = [text_row(1, "Timestamp", "Q"), BAD_NUMBERS["row_number_superscript_two"]]
    response = app_client.post(
        "/api/v1/communities/circle/imports",
        headers=facilitator_headers,
        files={"file": ("hostile.xlsx", workbook_with({SHEET: sheet(rows)}))},
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert "hostile.xlsx" in body["error"] and body["location"]["row"] == 2
