"""Generated Google Forms exports of weekly check-ins, for the ingest benchmark.

A year of weekly check-ins of an organisation: one row per member and week, ``Timestamp`` and
``Email Address`` then one column per question, CRLF rows, checkbox answers joined with ``", "``
(the layout of ``shared/exports/google_forms``; see ``shared/EXPORT_FORMATS.md``). Answers are
built from clauses so that most are distinct, with the short repeated answers ("Nothing",
"All good") that real check-ins have; about three answers in a hundred carry personal data (a
colleague's name, an e-mail address or a phone number).
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

QUESTIONS = (
    "How was your week overall? (1 = hard, 5 = great)",
    "What went well this week?",
    "What got in your way?",
    "Which areas took most of your time?",
    "What is your role?",
    "Anything you would like the committee to raise?",
)
GIVEN = (
    "Priya Maria James Aisha Tom Sofia Daniel Mei Lucas Fatima Oliver Grace Ahmed Elena Noah "
    "Hannah Ravi Chloe Marco Ingrid Kwame Laura Tariq Emma Diego Yuki Samuel Nadia Liam Olga"
).split()
FAMILY = (
    "Sharma Garcia Smith Khan Nguyen Rossi Okafor Chen Silva Haddad Johnson Novak Patel Müller "
    "Kowalski Brown Dubois Tanaka Andersen Mensah Costa Schmidt Ali Murphy Ivanova Lopez"
).split()
ROLES = ("Executive assistant", "Office manager", "Team coordinator", "PA to the board", "Admin")
AREAS = (
    "Diary management",
    "Travel and events",
    "Expenses",
    "Minutes and board papers",
    "Onboarding, induction",
    "Projects",
)
SUBJECTS = (
    "the new expense system",
    "double bookings in the calendar",
    "board pack deadlines",
    "the travel approval process",
    "onboarding two new starters",
    "the office move",
    "meeting room conflicts",
    "the AI meeting summaries",
    "rejected receipts",
    "last minute flight changes",
    "the restructuring consultation",
    "visa paperwork for trips",
    "the quarterly offsite",
    "time zone scheduling",
    "the shared inbox",
)
GOOD = (
    "{s} finally went smoothly",
    "I got ahead on {s}",
    "the team helped a lot with {s}",
    "sorting out {s} took less time than I feared",
    "we agreed a clear process for {s}",
)
BAD = (
    "{s} ate most of my Tuesday",
    "I kept chasing approvals for {s}",
    "nobody owns {s} and it lands on me",
    "{s} is still confusing and slow",
    "I had to redo work on {s} twice",
)
LINKS = ("and", "but", "although", "while", "so")
WHEN = ("", "", "On Monday ", "Early in the week ", "By Thursday ", "Again this week ", "Today ")
DETAIL = (
    "",
    "",
    " after two reminders",
    " with help from facilities",
    " before the deadline",
    " for the third week running",
    " once IT stepped in",
    " during the all-hands",
)
SHORT = ("Nothing", "All good", "n/a", "Nothing this week", "Busy but fine", "-", "No")


def _clause(rng: random.Random, templates: tuple[str, ...]) -> str:
    return rng.choice(templates).format(s=rng.choice(SUBJECTS))


def _personal(rng: random.Random) -> str:
    """One piece of personal data, as people write it in a check-in."""
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    return rng.choice(
        (
            f"{given} {family} helped me sort it out",
            f"please ask {given} about it",
            f"email me at {given.lower()}.{family.lower()}@example.org",
            f"call me on 07700 9{rng.randint(10000, 99999)}",
            f"{given} said the same in our 1:1",
        )
    )


def _answer(rng: random.Random, templates: tuple[str, ...], *, pii: float) -> str:
    if rng.random() < 0.2:
        return rng.choice(SHORT)
    text = rng.choice(WHEN) + _clause(rng, templates) + rng.choice(DETAIL)
    if rng.random() < 0.6:
        text += f", {rng.choice(LINKS)} {_clause(rng, templates)}{rng.choice(DETAIL)}"
    if rng.random() < pii:
        text += f"; {_personal(rng)}"
    return text[0].upper() + text[1:] + "."


def _row(rng: random.Random, when: datetime, email: str, role: str) -> list[str]:
    areas = rng.sample(AREAS, rng.randint(1, 3))
    extra = _answer(rng, BAD, pii=0.05) if rng.random() < 0.25 else ""
    return [
        f"{when.month}/{when.day}/{when.year} {when.hour}:{when.minute:02d}:{when.second:02d}",
        email,
        str(rng.choices((1, 2, 3, 4, 5), weights=(1, 3, 6, 8, 4))[0]),
        _answer(rng, GOOD, pii=0.02),
        _answer(rng, BAD, pii=0.03),
        ", ".join(areas),
        role,
        extra,
    ]


def write_export(path: Path, rows: int, *, seed: int = 7) -> Path:
    """Write a Google Forms export of ``rows`` weekly check-ins (about 52 rows per member)."""
    rng = random.Random(seed)
    members = max(5, rows // 52)
    people = [
        (
            f"{rng.choice(GIVEN).lower()}.{rng.choice(FAMILY).lower()}{n}@example.org",
            rng.choice(ROLES),
        )
        for n in range(members)
    ]
    start = datetime(2025, 1, 6, 8, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)  # CRLF rows, as Google Sheets writes them
        writer.writerow(["Timestamp", "Email Address", *QUESTIONS])
        for n in range(rows):
            week, member = divmod(n, members)
            email, role = people[member]
            when = start + timedelta(weeks=week, minutes=rng.randint(0, 4 * 24 * 60))
            writer.writerow(_row(rng, when, email, role))
    return path
