"""Read the many date formats survey tools write, including Excel serial numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dateutil import parser as date_parser

_EXCEL_EPOCH = datetime(1899, 12, 30)


def parse_datetime(value: str) -> datetime | None:
    """Parse a tool's timestamp into a naive UTC-agnostic datetime, or None if it is not one."""
    value = value.strip()
    if not value:
        return None
    try:
        serial = float(value)
    except ValueError:
        serial = None
    if serial is not None:
        if 20000 <= serial <= 80000:  # an Excel serial date (1954..2119)
            return _EXCEL_EPOCH + timedelta(days=serial)
        return None
    parsed = _common_format(value)
    if parsed is None:
        try:
            parsed = date_parser.parse(value, dayfirst=False)
        except (ValueError, OverflowError):
            return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


# The layouts the tools write most (Google Forms ``1/8/2025 23:50:00``, ISO 8601), read by the
# standard library at a tenth of dateutil's cost, with dateutil's result.
_COMMON = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")


def _common_format(value: str) -> datetime | None:
    """``value`` in one of the common layouts, or None (then dateutil reads it)."""
    if value[:4].isdigit() and value[4:5] == "-":
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    for layout in _COMMON:
        try:
            return datetime.strptime(value, layout)
        except ValueError:
            continue
    return None
