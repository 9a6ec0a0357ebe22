"""Turn uploaded bytes into a table of text cells, whatever the encoding or container."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from service.config import LimitSettings
from service.errors import InvalidInput, Location, TooLarge, UnsupportedFormat

_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old binary Office file (.xls/.doc)",
}
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HINT_EXPORT = (
    "Upload the file exactly as your survey tool exported it (CSV, TSV, XLSX, JSON or JSONL)."
)


@dataclass
class Table:
    """Rows of text cells read from one file; ``rows[0]`` is the file's first row."""

    rows: list[list[str]]
    container: str  # "csv", "tsv", "xlsx", "json"
    encoding: str = "utf-8"
    records: list[dict[str, Any]] | None = None  # only for JSON input
    warnings: list[str] = field(default_factory=list)


def read_table(data: bytes, filename: str, limits: LimitSettings) -> Table:
    """Decode ``data`` (named ``filename``) into a :class:`Table` or raise a located error."""
    if not data or not data.strip(b"\x00\r\n\t \xef\xbb\xbf"):
        raise InvalidInput(
            f"{filename} is empty",
            detail="The file has no content at all.",
            hint=_HINT_EXPORT,
        )
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, filename, limits)
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise UnsupportedFormat(
                f"{filename} is not a text export",
                detail=f"The file starts like {what}, not a CSV, TSV, XLSX or JSON export.",
                location=Location(row=1, column=1),
                hint=_HINT_EXPORT,
            )
    text, encoding = decode_text(data, filename)
    stripped = text.lstrip()
    if filename.lower().endswith((".json", ".jsonl", ".ndjson")) or stripped[:1] in "[{":
        return _read_json(text, filename, encoding, limits)
    return _read_delimited(text, filename, encoding, limits)


def decode_text(data: bytes, filename: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not), UTF-16 (BOM, or evident from NULs) or cp1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict_decode(data, "utf-16", filename), "utf-16"
    nul_share = data.count(0) / len(data)
    if nul_share > 0.3:
        even_nuls = data[0::2].count(0)
        encoding = "utf-16-be" if even_nuls > data[1::2].count(0) else "utf-16-le"
        return _strict_decode(data, encoding, filename), encoding
    data = data.replace(b"\x00", b"")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = _strict_decode(data, "cp1252", filename), "cp1252"
    _refuse_binary(text, filename)
    return text, encoding


def _strict_decode(data: bytes, encoding: str, filename: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            f"{filename} is in an encoding PeerPulse cannot read",
            detail=(
                f"Byte {exc.start} (line {line}) is not valid UTF-8, UTF-16 or Windows-1252 text"
                f" (tried {encoding}: {exc.reason})."
            ),
            location=Location(row=line),
            hint="Re-save the file as 'CSV UTF-8' from your spreadsheet program, or upload the "
            "original export from the survey tool.",
        ) from exc
    if encoding.startswith("utf-16"):
        _refuse_binary(text.replace("\x00", ""), filename)
    return text.lstrip("\ufeff").replace("\x00", "")


def _refuse_binary(text: str, filename: str) -> None:
    sample = text[:65536]
    controls = len(_CONTROL.findall(sample))
    if controls > max(3, len(sample) // 200):
        first = _CONTROL.search(sample)
        line = sample[: first.start()].count("\n") + 1 if first else None
        raise UnsupportedFormat(
            f"{filename} looks like a binary file, not a text export",
            detail=f"{controls} control characters in the first {len(sample)} characters.",
            location=Location(row=line),
            hint=_HINT_EXPORT,
        )


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter from the first line (outside quotes): tab, comma or semicolon."""
    first = []
    in_quotes = False
    for char in text[:20000]:
        if char == '"':
            in_quotes = not in_quotes
        elif char == "\n" and not in_quotes:
            break
        elif not in_quotes:
            first.append(char)
    line = "".join(first)
    counts = {delim: line.count(delim) for delim in ("\t", ",", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_delimited(text: str, filename: str, encoding: str, limits: LimitSettings) -> Table:
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(rows) > limits.max_rows + 3:
                raise TooLarge(
                    f"{filename} has more than {limits.max_rows} rows",
                    location=Location(row=len(rows) + 1),
                    hint="Split the export by date range, or raise PEERPULSE_MAX_ROWS.",
                )
            rows.append(row)
            if len(rows) == 1:
                _check_columns(row, filename, limits)
    except csv.Error as exc:
        raise InvalidInput(
            f"{filename} is not well-formed CSV",
            detail=f"The CSV reader stopped at record {len(rows) + 1}: {exc}. The file may be "
            "truncated (a quoted answer never closes) or not a CSV at all.",
            location=Location(row=len(rows) + 1),
            hint="Export the file again from the survey tool; do not edit it by hand.",
        ) from exc
    container = "tsv" if delimiter == "\t" else "csv"
    return Table(rows=rows, container=container, encoding=encoding)


def _check_columns(header: list[Any], filename: str, limits: LimitSettings) -> None:
    if len(header) > limits.max_columns:
        raise TooLarge(
            f"{filename} has {len(header)} columns, more than the limit of {limits.max_columns}",
            location=Location(row=1, column=limits.max_columns + 1),
            hint="Remove unused columns in the survey tool's export settings, or raise "
            "PEERPULSE_MAX_COLUMNS.",
        )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, filename: str, limits: LimitSettings) -> Table:
    from service.ingest.xlsx import read_workbook  # only XLSX uploads need openpyxl

    _title, values = read_workbook(data, filename, limits)
    rows = [[_cell_text(v) for v in row] for row in values]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    while width and rows and all(not r[width - 1].strip() for r in rows):
        width -= 1
        rows = [r[:width] for r in rows]
    return Table(rows=rows, container="xlsx", encoding="xlsx")


def _read_json(text: str, filename: str, encoding: str, limits: LimitSettings) -> Table:
    records: list[Any]
    parsed: Any = None
    if filename.lower().endswith((".jsonl", ".ndjson")):
        records, is_lines = _json_lines(text, filename, None), True
    else:
        try:
            parsed = json.loads(text)
            records, is_lines = (parsed if isinstance(parsed, list) else [parsed]), False
        except json.JSONDecodeError as exc:
            records, is_lines = _json_lines(text, filename, exc), True
    if not is_lines and not isinstance(parsed, list):
        raise InvalidInput(
            f"{filename} is JSON but not a list of records",
            detail=f"The top level is a {type(parsed).__name__}; PeerPulse expects a list of "
            'objects such as [{"respondent": ..., "date": ..., "note": ...}].',
            location=Location(row=1, column=1),
            hint="Wrap the records in a JSON list, or upload JSON Lines (one object per line).",
        )
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise InvalidInput(
                f"{filename}: record {number} is not an object",
                detail=f"Found a {type(record).__name__} where a JSON object was expected.",
                location=Location(row=number),
                hint="Each record must be an object with named fields.",
            )
    if len(records) > limits.max_rows:
        raise TooLarge(
            f"{filename} has {len(records)} records, more than the limit of {limits.max_rows}",
            hint="Split the file, or raise PEERPULSE_MAX_ROWS.",
        )
    keys: list[str] = []
    for record in records:
        keys.extend(k for k in record if k not in keys)
    _check_columns(keys, filename, limits)
    rows = [keys] + [[_cell_text(r.get(k)) for k in keys] for r in records]
    return Table(rows=rows, container="json", encoding=encoding, records=records)


def _json_lines(text: str, filename: str, first_error: json.JSONDecodeError | None) -> list[Any]:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                f"{filename} is neither JSON nor JSON Lines",
                detail=f"Line {number}, character {exc.colno}: {exc.msg}.",
                location=Location(row=number, column=exc.colno),
                hint="Check that the file is complete and each line holds one JSON object.",
            ) from first_error or exc
    return records
