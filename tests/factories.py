"""Plain builders for test data."""

from __future__ import annotations

import csv
import io
from typing import Any


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


SUBJECTS = {
    "calendar": [
        "My calendar is double booked again because two executives accept the same slot",
        "Keeping three executive calendars in sync is a constant fight with double bookings",
        "Meeting conflicts everywhere, I spend hours moving calendar invites around",
        "The CEO's diary had four overlapping meetings this morning",
        "Scheduling across time zones keeps creating calendar clashes for my exec",
        "Outlook keeps double booking rooms and my manager's calendar",
    ],
    "expenses": [
        "The new expense system rejects receipts and I have to resubmit every claim",
        "Expense reports are stuck in approval since the system migration",
        "I spent the whole day fixing expense claims in the new finance tool",
        "Receipts upload fails in the expenses app so reimbursements are late",
        "Month end expense reconciliation took twice as long with the new system",
        "The expense tool lost my corporate card transactions again",
    ],
    "reorg": [
        "I am scared the reorganisation will cut my role",
        "Since the restructure announcement I have not slept properly",
        "Everyone is anxious about the layoffs rumoured for next quarter",
        "Worried my position will be eliminated in the reorg",
        "The restructuring news makes me fear for my job security",
        "Dreading the consultation meetings about which roles survive the reorg",
    ],
    "ai": [
        "Copilot now drafts my meeting minutes and saves me an hour",
        "I started using ChatGPT to write first drafts of routine emails",
        "AI summaries of long email threads are a huge time saver",
        "Trying the AI assistant to prepare agendas and action items",
        "Using Copilot to summarise Teams meetings for my executive",
        "The AI tool writes decent travel itineraries from my notes",
    ],
}


def themed_export(weeks: int = 3) -> bytes:
    """A Google Forms export with answers about four known subjects over ``weeks`` weeks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "Timestamp",
            "Email Address",
            "What is your role?",
            "What's top of mind for you this week?",
        ]
    )
    roles = ["Executive Assistant", "Office Manager", "Administrative Assistant"]
    number = 0
    for week in range(weeks):
        for subject, texts in SUBJECTS.items():
            for index, text in enumerate(texts):
                number += 1
                member = f"{subject}{index}@example.org"
                writer.writerow(
                    [
                        f"9/{7 + 7 * week}/2026 {9 + index}:00:00",
                        member,
                        roles[index % 3],
                        f"{text} (week {week + 1}).",
                    ]
                )
    return buffer.getvalue().encode()


def theme_row(community_id: int, label: str, **fields: Any) -> Any:
    """A stored theme with the figures an analysis gives it, from the keys of the old summary.

    ``fields`` are ``Theme`` columns, plus ``summary`` with any of ``units``, ``respondents``,
    ``share``, ``trend``, ``weekly`` (``[{"week", "count"}]``), ``quotes`` (``[{"text",
    "week"}]``), ``suppressed``, ``concern`` (a worry entry), ``goals`` and ``goal_gap``.
    """
    from service.storage.tables import (
        Theme,
        ThemeGoal,
        ThemeGoalGap,
        ThemeQuote,
        ThemeWeek,
        ThemeWorry,
    )

    summary = dict(fields.pop("summary", None) or {})
    fields.setdefault("centroid", b"\0" * 8)
    theme = Theme(
        community_id=community_id,
        label=label,
        unit_count=int(summary.get("units") or 0),
        member_count=summary.get("respondents"),
        share=float(summary.get("share") or 0.0),
        trend=str(summary.get("trend") or "steady"),
        suppressed=bool(summary.get("suppressed", False)),
        **fields,
    )
    theme.weeks = [
        ThemeWeek(week=w["week"], count=w.get("count")) for w in summary.get("weekly", ())
    ]
    theme.quotes = [
        ThemeQuote(position=i, text=q["text"], week=q.get("week"))
        for i, q in enumerate(summary.get("quotes", ()))
    ]
    concern = summary.get("concern")
    if concern:
        theme.worry = ThemeWorry(
            label=concern.get("label") or fields.get("name") or label,
            rank=concern.get("rank") or 1,
            score=concern.get("score"),
            concerned_respondents=concern.get(
                "concerned_respondents", concern.get("worried_members")
            ),
            severe_respondents=concern.get("severe_respondents", concern.get("severe")),
            intensity=concern.get("intensity"),
            trend=concern.get("trend"),
            concern_share=concern.get("concern_share"),
            sentiment=concern.get("sentiment"),
            reason=concern.get("reason") or "",
            suppressed=bool(concern.get("suppressed", False)),
        )
    theme.goal_links = [
        ThemeGoal(
            position=i,
            goal_id=g["id"],
            text=g.get("text", ""),
            owner=g.get("owner"),
            gap=g.get("gap"),
            similarity=g.get("similarity", 0.5),
            shared=list(g.get("shared", ())),
            barriers=list(g.get("barriers", ())),
            progress=list(g.get("progress", ())),
        )
        for i, g in enumerate(summary.get("goals", ()))
    ]
    gap = summary.get("goal_gap")
    if gap:
        theme.goal_gap = ThemeGoalGap(
            **{k: v for k, v in gap.items() if k not in ("gap", "theme_id")}
        )
    return theme


def answered(engine: Any, redactor: Any, texts: list[str], *, slug: str = "circle") -> int:
    """Import one Google Forms answer per text (one member each) through the real importer,
    with one sentence unit per answer (no theme yet); the community's id."""
    from sqlalchemy import select

    from service.config import Settings
    from service.intake import run_import
    from service.storage import db
    from service.storage.repositories import communities
    from service.storage.tables import Answer, Unit

    run_import(
        engine,
        Settings(environment="test", database_url=str(engine.url)),
        slug=slug,
        data=google_forms_csv([{"What's top of mind?": text} for text in texts]),
        filename="google_forms.csv",
        format_name="auto",
        mapping=None,
        create_community=True,
        redactor=redactor,
    )
    with db.transaction(engine, write=True) as session:
        community = communities.get(session, slug)
        session.add_all(
            Unit(
                community_id=community.id,
                response_id=answer.id,
                respondent_id=answer.respondent_id,
                position=0,
                text=answer.text or "",
                text_hash=str(answer.id),
                week="2026-W37",
            )
            for answer in session.scalars(select(Answer).where(Answer.community_id == community.id))
        )
        return community.id
