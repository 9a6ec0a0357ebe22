"""A session as an iCalendar event (RFC 5545) with its agenda attached as text.

The event is all-day on the session's date (PeerPulse stores no time of day) unless a start
time is given; its UID is the community and date, so a calendar that imports the file again
updates the event instead of adding a second one.
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, time, timedelta

PRODID = "-//PeerPulse//Session agenda//EN"


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets (continuation lines start with a space)."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a UTF-8 character
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74
    return "\r\n ".join(parts)


def session_event(
    *,
    slug: str,
    community_name: str,
    day: date,
    agenda: str,
    start: time | None = None,
    minutes: int = 90,
    now: datetime | None = None,
) -> str:
    """The VCALENDAR text: one VEVENT, the agenda as DESCRIPTION and as an attached .md file."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    if start is None:
        when = [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + timedelta(1):%Y%m%d}"]
    else:
        begin = datetime.combine(day, start)
        end = begin + timedelta(minutes=minutes)
        when = [f"DTSTART:{begin:%Y%m%dT%H%M%S}", f"DTEND:{end:%Y%m%dT%H%M%S}"]
    attachment = base64.b64encode(agenda.encode()).decode()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{slug}-session-{day:%Y%m%d}@peerpulse",
        f"DTSTAMP:{stamp}",
        *when,
        f"SUMMARY:{escape(f'{community_name}: peer session')}",
        f"DESCRIPTION:{escape(agenda)}",
        "ATTACH;FMTTYPE=text/markdown;ENCODING=BASE64;VALUE=BINARY;"
        f"X-FILENAME=agenda-{day.isoformat()}.md:{attachment}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
