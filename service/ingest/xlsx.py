"""Read an XLSX workbook with bounded memory, whatever the file claims about itself.

Three gates, each before the next one reads anything: the ZIP directory (every part's unpacked
size and compression ratio, from the ``infolist`` and enforced by ``zipfile`` while unpacking;
every part but the worksheets and the shared strings, which openpyxl would read whole, at most
8 MB, and no part over 8 MB named by the content types or a relationship as anything else),
a streaming scan of the shared strings and of the chosen sheet (no DTD or entity at all; rows,
columns and cell characters counted as the bytes arrive, so a 1 GB cell is refused after its
first few kilobytes), and only then openpyxl in read-only mode (parsing through defusedxml),
whose rows are streamed and checked once more.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.parsers import expat

from service.config import LimitSettings
from service.errors import InvalidInput, Location, PeerPulseError, TooLarge, UnsupportedFormat

_CHUNK = 1 << 16
_MAX_PARTS = 10_000
_RATIO_FLOOR = 1 << 20  # parts smaller than this unpack to little whatever their ratio
_SHARED_STRINGS = "xl/sharedStrings.xml"
# Styles, workbook, relationships, theme, content types: openpyxl parses each whole, so each is
# capped; real exports keep them under 1 MB. Only worksheets and shared strings (scanned) may be
# larger, and only when every reference to them names them as what their name says.
MAX_OTHER_PART_MB = 8
_LARGE_PART = re.compile(r"xl/worksheets/[^/]+\.xml$")
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
_SHEET_KINDS = {
    _OFFICE + "worksheet",
    _STRICT + "worksheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
}
_STRINGS_KINDS = {
    _OFFICE + "sharedStrings",
    _STRICT + "sharedStrings",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
}
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{0,10})$")
_ROW_NUMBER = re.compile(r"[0-9]{1,10}")
_TEXT_TAGS = {"v", "t"}
_HINT = "Export the responses again from the survey tool (or save them as CSV) and upload that."


class _Refused(Exception):
    """Raised from inside the XML scan's callbacks; carries the error to raise outside."""

    def __init__(self, error: PeerPulseError) -> None:
        super().__init__(error.message)
        self.error = error


def read_workbook(data: bytes, filename: str, limits: LimitSettings) -> tuple[str, list[list[Any]]]:
    """The chosen sheet's title and its rows of cell values, or a located error."""
    archive = _open_archive(data, filename)
    check_parts(archive, filename, limits)
    if _SHARED_STRINGS in archive.namelist():
        with archive.open(_SHARED_STRINGS) as source:
            _SharedStringScan(filename, limits).run(source, _SHARED_STRINGS)
    workbook = _load(data, filename)
    try:
        sheet = _choose_sheet(workbook)
        where = f"{filename}, sheet {sheet.title!r}"
        path = getattr(sheet, "_worksheet_path", None)
        if path:
            with archive.open(path) as source:
                _SheetScan(where, limits).run(source, path)
        return sheet.title, _rows(sheet, where, limits)
    finally:
        workbook.close()


def _open_archive(data: bytes, filename: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnsupportedFormat(
            f"{filename} is a ZIP file but not a readable XLSX workbook",
            detail=str(exc),
            hint=_HINT,
        ) from exc


def check_parts(archive: zipfile.ZipFile, filename: str, limits: LimitSettings) -> None:
    """Refuse a workbook whose parts would unpack to too much, from the ZIP directory.

    Only when a worksheet or the shared strings exceed the other parts' cap are the content types
    and relationships (each under that cap) read, to see that nothing else is read from them.
    """
    parts = archive.infolist()
    if len(parts) > _MAX_PARTS:
        raise TooLarge(f"{filename} holds {len(parts)} parts; an XLSX export holds a few dozen")
    total = 0
    large: dict[str, int] = {}
    for part in parts:
        total += part.file_size
        _check_size(part, filename, limits, total=total)
        if part.file_size > MAX_OTHER_PART_MB * 1_048_576:
            if part.filename != _SHARED_STRINGS and not _LARGE_PART.match(part.filename):
                raise _large_part(filename, part.filename, part.file_size, "")
            large[part.filename] = part.file_size
    if large:
        _check_references(archive, filename, large, limits)


def _check_size(part: zipfile.ZipInfo, filename: str, limits: LimitSettings, *, total: int) -> None:
    budget = limits.max_unpacked_mb * 1_048_576
    ratio = part.file_size / max(part.compress_size, 1)
    if part.file_size > budget or total > budget:
        raise TooLarge(
            f"{filename} unpacks to more than {limits.max_unpacked_mb:g} MB",
            detail=f"The part {part.filename!r} alone unpacks to {part.file_size} bytes.",
            hint="Split the export, or raise PEERPULSE_MAX_UNPACKED_MB.",
        )
    if part.file_size > _RATIO_FLOOR and ratio > limits.max_compression_ratio:
        raise TooLarge(
            f"{filename} is compressed {ratio:.0f} to 1, more than a spreadsheet ever is",
            detail=f"The part {part.filename!r} unpacks from {part.compress_size} to "
            f"{part.file_size} bytes (the limit is {limits.max_compression_ratio} to 1).",
            hint="This looks like a ZIP bomb; " + _HINT,
        )


def _check_references(
    archive: zipfile.ZipFile, filename: str, large: dict[str, int], limits: LimitSettings
) -> None:
    """Refuse a large part that the content types or a relationship name as anything else.

    openpyxl finds the workbook, the shared strings, chart sheets and drawings through these
    references and reads each whole, so a large worksheet named as the workbook would escape
    the cap.
    """
    for name in archive.namelist():
        if name == "[Content_Types].xml" or name.endswith(".rels"):
            with archive.open(name) as source:
                _ReferenceScan(filename, limits, part=name, large=large).run(source, name)


def _large_part(filename: str, part: str, size: int, why: str) -> TooLarge:
    return TooLarge(
        f"{filename}: the part {part} unpacks to more than {MAX_OTHER_PART_MB} MB",
        detail=f"The part {part!r} unpacks to {size} bytes; only worksheets and shared strings "
        f"may exceed {MAX_OTHER_PART_MB} MB (every other part is read whole).{why}",
        hint=_HINT,
    )


def _load(data: bytes, filename: str) -> Any:
    import openpyxl  # imported here: only XLSX uploads need it

    try:
        return openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception as exc:  # noqa: BLE001 - a hostile workbook can fail anywhere in openpyxl
        raise _unreadable(filename, exc) from exc


def _unreadable(where: str, exc: Exception, location: Location | None = None) -> InvalidInput:
    root: BaseException = exc
    while root.__cause__ is not None or root.__context__ is not None:
        root = root.__cause__ or root.__context__  # type: ignore[assignment]
    return InvalidInput(
        f"{where} is not a readable XLSX workbook",
        detail=f"{type(root).__name__}: {str(root)[:300]}",
        location=location,
        hint=_HINT,
    )


def _choose_sheet(workbook: Any) -> Any:
    for candidate in workbook.worksheets:
        if candidate.title.lower().startswith("form responses"):
            return candidate
    if not workbook.worksheets:
        raise InvalidInput("The workbook has no worksheet", hint=_HINT)
    return workbook.worksheets[0]


def _rows(sheet: Any, where: str, limits: LimitSettings) -> list[list[Any]]:
    """Stream openpyxl's rows; the scan already checked them, these checks are a second line."""
    rows: list[list[Any]] = []
    sheet.reset_dimensions()  # never pad rows to the width the file claims
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            _check_row(where, number, len(values), limits)
            rows.append(list(values))
    except PeerPulseError:
        raise
    except Exception as exc:  # noqa: BLE001 - a hostile workbook can fail anywhere in openpyxl
        raise _unreadable(where, exc, Location(row=len(rows) + 1)) from exc
    return rows


def _check_row(where: str, number: int, width: int, limits: LimitSettings) -> None:
    if number > limits.max_rows + 3:
        raise TooLarge(
            f"{where} has more than {limits.max_rows} rows",
            location=Location(row=number),
            hint="Split the export by date range, or raise PEERPULSE_MAX_ROWS.",
        )
    if width > limits.max_columns:
        raise TooLarge(
            f"{where}: row {number} reaches column {width}, more than the limit of "
            f"{limits.max_columns}",
            location=Location(row=number, column=limits.max_columns + 1),
            hint="Remove unused columns in the survey tool's export settings, or raise "
            "PEERPULSE_MAX_COLUMNS.",
        )


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - ord("A") + 1
    return number


class _Scan:
    """Stream one XML part through expat, refusing any DTD (hence every entity) outright."""

    def __init__(self, where: str, limits: LimitSettings) -> None:
        self.where = where
        self.limits = limits
        self.chars = 0  # characters of the current cell or shared string
        self.in_text = False
        self.row: int | None = None
        self.column: int | None = None

    def run(self, source: IO[bytes], part: str) -> None:
        """Feed ``source`` to the parser chunk by chunk; raise the first refusal."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.ExternalEntityRefHandler = self._external_entity
        parser.buffer_text = False
        try:
            for chunk in _chunks(source):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Refused as refused:
            raise refused.error from None
        except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError) as exc:
            raise InvalidInput(
                f"{self.where}: the part {part} is not well-formed XML",
                detail=f"{exc} (line {parser.ErrorLineNumber}, column "
                f"{parser.ErrorColumnNumber} of {part}).",
                location=Location(row=self.row, column=self.column),
                hint=_HINT,
            ) from exc

    def _external_entity(self, *args: object) -> int:  # expat wants a status: refused anyway
        self._doctype(*args)
        return 0

    def _doctype(self, *_args: object) -> None:
        raise _Refused(
            InvalidInput(
                f"{self.where} declares a DTD or an entity, which no spreadsheet needs",
                detail="Entity declarations are refused (they can read local files or expand "
                "to gigabytes).",
                location=Location(row=self.row, column=self.column),
                hint=_HINT,
            )
        )

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        raise NotImplementedError

    def _end(self, name: str) -> None:
        self.in_text = False

    def _text(self, text: str) -> None:
        if not self.in_text:
            return
        self.chars += len(text)
        if self.chars > self.limits.max_cell_chars:
            raise _Refused(
                TooLarge(
                    f"{self.where}: {self._what()} holds more than "
                    f"{self.limits.max_cell_chars} characters",
                    location=Location(row=self.row, column=self.column),
                    hint="Raise PEERPULSE_MAX_CELL_CHARS if such long answers are expected.",
                )
            )

    def _what(self) -> str:
        return "a cell"


class _SharedStringScan(_Scan):
    """Every shared string is at most one cell long, and there are not more than cells."""

    def __init__(self, where: str, limits: LimitSettings) -> None:
        super().__init__(where, limits)
        self.strings = 0

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "si":
            self.strings += 1
            self.chars = 0
            if self.strings > (self.limits.max_rows + 3) * self.limits.max_columns:
                raise _Refused(TooLarge(f"{self.where} holds more shared strings than cells"))
        self.in_text = local == "t"

    def _what(self) -> str:
        return f"shared string {self.strings}"


class _SheetScan(_Scan):
    """Rows, columns and characters of one worksheet, counted as the XML streams in."""

    def __init__(self, where: str, limits: LimitSettings) -> None:
        super().__init__(where, limits)
        self.rows = 0

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "row":
            self.rows += 1
            self.row = self._row_number(attributes.get("r", ""))
            self.rows = max(self.rows, self.row)
            self.column = 0
            _guard(_check_row, self.where, self.rows, 0, self.limits)
        elif local == "c":
            self.chars = 0
            self.column = (self.column or 0) + 1
            match = _CELL_REF.match(attributes.get("r", ""))
            if match:
                self.column = _column_number(match.group(1))
            _guard(_check_row, self.where, self.row or 1, self.column, self.limits)
        self.in_text = local in _TEXT_TAGS

    def _row_number(self, claimed: str) -> int:
        """The row's ``r`` when it is 1 to 10 ASCII digits (``"²"`` is a digit to ``isdigit``)."""
        if not claimed:
            return self.rows
        if _ROW_NUMBER.fullmatch(claimed):
            return int(claimed)
        raise _Refused(
            InvalidInput(
                f"{self.where}: row {self.rows} is numbered {claimed[:20]!r}, not a row number",
                location=Location(row=self.rows),
                hint=_HINT,
            )
        )


class _ReferenceScan(_Scan):
    """Refuse a reference, in the content types or one relationships part, to a large part."""

    def __init__(
        self, where: str, limits: LimitSettings, *, part: str, large: dict[str, int]
    ) -> None:
        super().__init__(where, limits)
        self.part = part
        self.parent = posixpath.dirname(posixpath.dirname(part))  # as openpyxl resolves them
        self.large = large

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "Override":  # openpyxl drops the first character, whatever it is
            self._check(attributes.get("PartName", "")[1:], attributes.get("ContentType", ""))
        elif local == "Relationship" and attributes.get("TargetMode") != "External":
            target = attributes.get("Target", "")
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(self.parent, target))
            self._check(target, attributes.get("Type", ""))

    def _check(self, target: str, kind: str) -> None:
        expected = _STRINGS_KINDS if target == _SHARED_STRINGS else _SHEET_KINDS
        if target in self.large and kind not in expected:
            why = f" {self.part} names it {kind[:200]!r}."
            raise _Refused(_large_part(self.where, target, self.large[target], why))


def _guard(check: Any, *args: Any) -> None:
    try:
        check(*args)
    except PeerPulseError as error:
        raise _Refused(error) from None


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    while chunk := source.read(_CHUNK):
        yield chunk
