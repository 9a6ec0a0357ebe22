"""Database tables (SQLAlchemy 2 declarative), one module per area; import them from here."""

from service.storage.tables.access import ApiToken, Membership, SignInFailure, User
from service.storage.tables.agenda import AuditEntry, Comment, Goal, Suggestion, Vote
from service.storage.tables.analysis import (
    AnswerTheme,
    EmbeddingCache,
    Job,
    Theme,
    ThemeGoal,
    ThemeGoalGap,
    ThemeQuote,
    ThemeSummarySentence,
    ThemeWeek,
    ThemeWorry,
    Unit,
)
from service.storage.tables.base import Base, utcnow
from service.storage.tables.codebook import AnswerPin, Code, CodebookDecision
from service.storage.tables.digest import DigestSend, Recipient
from service.storage.tables.integrations import WebhookSecret
from service.storage.tables.members import (
    Answer,
    Community,
    Import,
    Question,
    Respondent,
    Submission,
)
from service.storage.tables.polls import (
    Poll,
    PollBallot,
    PollInvite,
    PollVolunteer,
    SessionOutcome,
)
from service.storage.tables.sso import SsoIdentity, SsoLogin, SsoMapping, SsoSession
from service.storage.tables.staging import StagedChunk, StagedImport

__all__ = [
    "Base",
    "utcnow",
    "Community",
    "Respondent",
    "Import",
    "Question",
    "Submission",
    "Answer",
    "StagedImport",
    "StagedChunk",
    "User",
    "Membership",
    "ApiToken",
    "SignInFailure",
    "Unit",
    "EmbeddingCache",
    "Job",
    "Theme",
    "ThemeGoal",
    "ThemeGoalGap",
    "ThemeQuote",
    "ThemeWeek",
    "ThemeWorry",
    "AnswerTheme",
    "ThemeSummarySentence",
    "Suggestion",
    "Vote",
    "Comment",
    "AuditEntry",
    "Goal",
    "Recipient",
    "DigestSend",
    "WebhookSecret",
    "SsoIdentity",
    "SsoMapping",
    "SsoLogin",
    "SsoSession",
    "SessionOutcome",
    "Poll",
    "PollInvite",
    "PollBallot",
    "PollVolunteer",
    "Code",
    "CodebookDecision",
    "AnswerPin",
]
