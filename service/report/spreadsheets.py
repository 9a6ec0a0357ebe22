"""Themes as a spreadsheet: one row per theme, its worry, its trend and one column per week.

Every figure passes the confidentiality rules as on the dashboard (a group under the minimum
reads "fewer than N responses"), and every text cell is neutralised so that no spreadsheet
program evaluates it as a formula (CWE-1236), in CSV and in XLSX alike.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from service.csvsafe import neutralise, write_csv
from service.digest.content import count_figure, theme_name
from service.digest.schemas import ThemeRow
from service.privacy.thresholds import Confidentiality

Cell = str | int | None
FIXED = ("Theme", "Keywords", "Members", "Share", "Trend", "Worried members", "Severe", "Worry")


def theme_table(
    privacy: Confidentiality, themes: Sequence[ThemeRow]
) -> tuple[list[str], list[list[Cell]]]:
    """The header (fixed columns, then every ISO week in order) and one row per theme."""
    weeks = sorted({str(w) for t in themes for w, _ in t.weekly if "-W" in str(w)})
    rows = [_row(privacy, theme, weeks) for theme in themes]
    rows.sort(key=lambda r: (not isinstance(r[2], int), -(r[2] if isinstance(r[2], int) else 0)))
    return [*FIXED, *weeks], rows


def _row(privacy: Confidentiality, theme: ThemeRow, weeks: list[str]) -> list[Cell]:
    members = count_figure(privacy, None if theme.suppressed else theme.respondents)
    visible = not members.suppressed
    concern = theme.concern or {}
    worried = count_figure(
        privacy,
        concern.get("concerned_respondents") if visible and not concern.get("suppressed") else None,
    )
    severe = concern.get("severe_respondents")
    counts = dict(theme.weekly)
    return [
        theme_name(theme),
        ", ".join(theme.keywords[:5]),
        members.value if visible else members.text,
        f"{theme.share:.1%}" if visible and isinstance(theme.share, int | float) else None,
        (theme.trend or "steady") if visible else "withheld",
        (worried.value if not worried.suppressed else worried.text) if concern else None,
        (
            count_figure(privacy, severe).value
            if concern and not worried.suppressed and isinstance(severe, int)
            else None
        ),
        (str(concern.get("trend") or "") if concern and not worried.suppressed else None),
        *[_week(privacy, counts.get(w), visible, present=w in counts) for w in weeks],
    ]


def _week(privacy: Confidentiality, count: int | None, visible: bool, *, present: bool) -> Cell:
    if not present:
        return None
    figure = count_figure(privacy, count if visible else None)
    return figure.value if not figure.suppressed else figure.text


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """CSV with every cell neutralised."""
    return write_csv(header, rows)


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence[Cell]], *, title: str) -> bytes:
    """One XLSX sheet: numbers stay numbers, every text cell neutralised as in the CSV."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([neutralise(h) for h in header])
    for row in rows:
        sheet.append([c if isinstance(c, int) or c is None else neutralise(c) for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
