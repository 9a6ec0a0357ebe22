"""A community's roster: who the members are (hashed), their segments and when they joined."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from service.config import LimitSettings
from service.errors import InvalidInput, Location
from service.ingest.classify import clean_header
from service.ingest.dates import parse_datetime
from service.ingest.decode import read_table
from service.ingest.formats.base import respondent_ref

_ID = {
    "email",
    "e-mail",
    "email address",
    "respondent",
    "respondent_id",
    "member",
    "member_id",
    "id",
}
_SEGMENTS = {
    "role": "role",
    "title": "role",
    "job title": "role",
    "level": "level",
    "seniority": "level",
    "experience": "experience",
    "tenure": "experience",
    "department": "function",
    "function": "function",
    "team": "function",
}
_JOINED = {"joined", "join date", "start date", "member since"}


@dataclass
class RosterMember:
    """One roster row, before hashing."""

    row: int
    ref: str
    segments: dict[str, str] = field(default_factory=dict)
    joined: datetime | None = None


def parse_roster(data: bytes, filename: str, limits: LimitSettings) -> list[RosterMember]:
    """Read a roster CSV/XLSX/JSON; it needs an e-mail or member-ID column."""
    table = read_table(data, filename, limits)
    headers = [clean_header(h).lower() for h in table.rows[0]]
    id_column = next((i for i, h in enumerate(headers) if h in _ID), None)
    if id_column is None:
        raise InvalidInput(
            f"{filename} has no member column",
            location=Location(row=1),
            hint="Name one column email (or member_id); add role, level, experience, department "
            "and joined columns as you have them.",
        )
    members = []
    for number, row in enumerate(table.rows[1:], start=2):
        cells = row + [""] * (len(headers) - len(row))
        ref = respondent_ref([cells[id_column]])
        if not ref:
            continue
        member = RosterMember(number, ref)
        for index, header in enumerate(headers):
            value = cells[index].strip()
            if header in _SEGMENTS and value:
                member.segments[_SEGMENTS[header]] = value
            elif header in _JOINED and value:
                member.joined = parse_datetime(value)
        members.append(member)
    if not members:
        raise InvalidInput(
            f"{filename} lists no members", location=Location(row=2), hint="Add one row per member."
        )
    return members
