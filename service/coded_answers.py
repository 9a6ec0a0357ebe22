"""The coded answers export use case: one row per free-text answer, as CSV or XLSX.

Columns, in order: the import's file name, the data row of that file, the question, when it was
submitted, the answer (redacted, as stored), its themes' names joined by " | " (a committee's name
wins over the label), their ids, and the highest worry level of its sentences. There is no
respondent column, every cell that a spreadsheet would evaluate is neutralised, and a community
under the minimum group size gives no rows (the whole community is a group).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from sqlalchemy.orm import Session

from service.csvsafe import neutralise, write_csv
from service.privacy.thresholds import Confidentiality
from service.storage.repositories import answer_export, communities
from service.storage.tables import Community

COLUMNS = (
    "import",
    "source_row",
    "question",
    "submitted_at",
    "answer",
    "themes",
    "theme_ids",
    "concern_level",
)
JOIN = " | "
Row = tuple[str, int | None, str, str, str, str, str, int | None]


def coded_rows(session: Session, community: Community, privacy: Confidentiality) -> list[Row]:
    """The export's rows; none when the community is under the minimum group size."""
    if not privacy.may_show_group(communities.headcount(session, community, privacy)):
        return []
    answers = answer_export.free_text_answers(session, community.id)
    # The theme stage codes answers into answer_themes; until a run has, the units' themes stand.
    coded = answer_export.answer_themes(session, community.id) or answer_export.unit_themes(
        session, community.id
    )
    levels = answer_export.concern_levels(session, community.id)
    names = answer_export.theme_names(session, {t for ids in coded.values() for t in ids})
    rows: list[Row] = []
    for answer in answers:
        themes = [t for t in coded.get(answer.answer_id, []) if t in names]
        rows.append(
            (
                answer.filename,
                answer.source_row,
                answer.question,
                answer.submitted_at.isoformat(sep=" ") if answer.submitted_at else "",
                answer.text,
                JOIN.join(names[t] for t in themes),
                JOIN.join(str(t) for t in themes),
                levels.get(answer.answer_id),
            )
        )
    return rows


def to_csv(rows: Sequence[Row]) -> str:
    """The rows as CSV, formulas neutralised."""
    return write_csv(COLUMNS, rows)


def to_xlsx(rows: Sequence[Row]) -> bytes:
    """The rows as one XLSX sheet; text cells neutralised as in the CSV, numbers kept numbers."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Coded answers")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([c if isinstance(c, int) or c is None else neutralise(c) for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
