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
    try:
        parsed = date_parser.parse(value, dayfirst=False)
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed
