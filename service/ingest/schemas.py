"""The normalised shape every export format is read into."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class QuestionKind(StrEnum):
    """What kind of answer a column holds."""

    FREE_TEXT = "free_text"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    NUMERIC = "numeric"
    LIKERT = "likert"
    NPS = "nps"
    YES_NO = "yes_no"
    DATE = "date"
    METADATA = "metadata"
    PERSONAL = "personal"


class ColumnRole(StrEnum):
    """What a column is used for when records are built."""

    ANSWER = "answer"
    CHOICE_FLAG = "choice_flag"  # one column of a split multi-select
    RESPONSE_ID = "response_id"
    RESPONDENT_ID = "respondent_id"
    SUBMITTED_AT = "submitted_at"
    STARTED_AT = "started_at"
    FINISHED = "finished"
    PROGRESS = "progress"
    CHANNEL = "channel"
    PERSONAL = "personal"
    METADATA = "metadata"
    IGNORE = "ignore"


class Channel(StrEnum):
    """How a response reached the program."""

    SURVEY = "survey"
    CHECKIN_PHONE = "checkin_phone"
    CHECKIN_EMAIL = "checkin_email"
    NOTE = "note"


SEGMENT_NAMES = ("role", "level", "experience", "function")


@dataclass
class ColumnPlan:
    """How one column of the file is read."""

    index: int
    header: str
    role: ColumnRole
    question: str | None = None  # the question this column answers (its text)
    choice: str | None = None  # for CHOICE_FLAG: the label a tick means
    segment: str | None = None  # role / level / experience / function, when it describes a member
    separator: str | None = None  # for joined multi-select answers
    kind: QuestionKind | None = None  # forced kind (mapping file or the tool's own encoding)


@dataclass
class QuestionSpec:
    """A question as found in one import."""

    text: str
    kind: QuestionKind
    choices: list[str] = field(default_factory=list)
    segment: str | None = None
    codes: dict[str, str] = field(default_factory=dict)  # a cell's code -> the choice it means

    def summary(self) -> dict[str, str]:
        """The shape used in the import summary."""
        return {"text": self.text, "kind": self.kind.value}


@dataclass
class Answer:
    """One answer of one record: text, or a typed value."""

    question: str
    text: str | None = None
    number: float | None = None
    choices: list[str] | None = None
    when: datetime | None = None


@dataclass
class ParsedRecord:
    """One response (a survey row or a check-in note) before storage."""

    row: int  # 1-based row in the file (header rows count)
    source_key: str  # what identifies this response in its tool (hashed before storage)
    respondent_ref: str  # what identifies the person (hashed before storage)
    submitted_at: datetime | None
    # False when the row names no respondent: its ref then stands for this one response only.
    identified: bool = True
    channel: Channel = Channel.SURVEY
    finished: bool = True
    segments: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    answers: list[Answer] = field(default_factory=list)
    personal_values: list[str] = field(default_factory=list)  # for the redaction gazetteer only
    source_row: int | None = None  # 1-based data row (header rows not counted)


@dataclass
class ParsedImport:
    """Everything read from one file."""

    format: str
    questions: list[QuestionSpec]
    records: list[ParsedRecord]
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def identified(self) -> int:
        """How many records name their respondent (the rest cannot be told apart as people)."""
        return sum(1 for record in self.records if record.identified)


def record_to_json(record: ParsedRecord) -> dict[str, Any]:
    """A record as JSON values, for the import staging area (personal values left out)."""
    return {
        "row": record.row,
        "source_row": record.source_row,
        "source_key": record.source_key,
        "respondent_ref": record.respondent_ref,
        "submitted_at": _iso(record.submitted_at),
        "identified": record.identified,
        "channel": record.channel.value,
        "finished": record.finished,
        "segments": record.segments,
        "answers": [
            [a.question, a.text, a.number, a.choices, _iso(a.when)] for a in record.answers
        ],
    }


def record_from_json(value: dict[str, Any]) -> ParsedRecord:
    """The record :func:`record_to_json` wrote."""
    return ParsedRecord(
        row=value["row"],
        source_row=value["source_row"],
        source_key=value["source_key"],
        respondent_ref=value["respondent_ref"],
        submitted_at=_datetime(value["submitted_at"]),
        identified=value["identified"],
        channel=Channel(value["channel"]),
        finished=value["finished"],
        segments=value["segments"],
        answers=[
            Answer(question=q, text=t, number=n, choices=c, when=_datetime(w))
            for q, t, n, c, w in value["answers"]
        ],
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
