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
