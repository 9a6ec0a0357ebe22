"""Plain builders for test data."""

from __future__ import annotations

import csv
import io


def google_forms_csv(rows: list[dict[str, str]], *, email: bool = True) -> bytes:
    """A Google Forms export with the given answers (keys are question texts)."""
    questions = list(rows[0]) if rows else []
    header = ["Timestamp", *(["Email Address"] if email else []), *questions]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for number, row in enumerate(rows):
        stamp = f"9/{8 + number // 24}/2026 {number % 24}:15:00"
        who = [f"member{number}@example.org"] if email else []
        writer.writerow([stamp, *who, *(row[q] for q in questions)])
    return buffer.getvalue().encode()
