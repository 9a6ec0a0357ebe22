"""What every analysis stage gets (the context) and what the stages hand each other (typed).

A stage is a function ``run(context, analysis)``: it reads the typed fields earlier stages set
on :class:`Analysis`, stores its own results through repositories, and sets its own field. Each
module's typed core function (for example :func:`service.analysis.trends.theme_figures`) can
be called alone in a test with objects built by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Engine

from service.codebook.coding import Coded
from service.config import Settings
from service.modelstore import ModelStore
from service.privacy.thresholds import Confidentiality
from service.themes.schemas import ThemeResult

Progress = Callable[[float, str], None]
QuestionCodes = tuple[dict[int, int], dict[int, int]]  # by unit, by answer: question theme


@dataclass(frozen=True)
class Context:
    """One analysis run: where to store, which models, which settings, which community."""

    engine: Engine
    models: ModelStore
    settings: Settings
    community_id: int
    job_id: str

    @property
    def privacy(self) -> Confidentiality:
        """The confidentiality rules of the settings."""
        return Confidentiality.from_settings(self.settings)


@dataclass
class UnitRow:
    """One sentence unit to theme, with its worry scores once the worry stage has run."""

    id: int
    response_id: int
    text: str
    text_hash: str
    week: str
    respondent_id: int
    theme_id: int | None = None
    concern_level: int | None = None
    concern_probability: float | None = None
    sentiment: float | None = None


@dataclass(frozen=True)
class Embedded:
    """The units to theme and their vectors (row ``i`` of ``vectors`` is ``units[i]``)."""

    units: list[UnitRow]
    vectors: np.ndarray


@dataclass(frozen=True)
class ThemeFigures:
    """One theme of this run as the trends stage computed it (counts are None when suppressed)."""

    index: int
    label: str
    keywords: tuple[str, ...]
    units: int
    respondents: int | None
    respondent_ids: tuple[int, ...]
    share: float
    trend: str
    weekly: tuple[tuple[str, int | None], ...]
    quotes: tuple[tuple[str, str | None], ...]
    suppressed: bool
    summary: tuple[tuple[str, tuple[int, ...]], ...] = ()  # (sentence, the answers it cites)


@dataclass(frozen=True)
class StoredTheme:
    """A theme of this run once stored: its database id and the committee's name, if any."""

    id: int
    index: int
    name: str | None
    lineage: str


@dataclass(frozen=True)
class QuestionThemes:
    """One question's own themes as this run stored them (the question themes stage)."""

    question_id: int
    question: str
    stored: list[StoredTheme]
    figures: list[ThemeFigures]
    parents: dict[int, int]  # theme index -> community-wide theme id


@dataclass
class Analysis:
    """What the stages have found so far; each stage sets its own field."""

    units_added: int = 0
    embedded: Embedded | None = None
    coded: Coded | None = None  # units coded against the codebook (None: no codebook)
    question_codes: QuestionCodes | None = None  # the questions' codes before this run
    fit: ThemeResult | None = None
    figures: list[ThemeFigures] = field(default_factory=list)
    stored: list[StoredTheme] = field(default_factory=list)
    question_themes: list[QuestionThemes] = field(default_factory=list)
    parents: list[StoredTheme] = field(default_factory=list)
    parent_figures: list[ThemeFigures] = field(default_factory=list)
    parent_of: dict[int, int] = field(default_factory=dict)  # fine theme id -> parent id
    worries: list[dict[str, Any]] = field(default_factory=list)
    goals: list[dict[str, Any]] = field(default_factory=list)
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    other_languages: dict[str, Any] = field(default_factory=dict)

    def need_embedded(self) -> Embedded:
        """The embedded units (the embeddings stage must have run)."""
        if self.embedded is None:
            raise RuntimeError("the embeddings stage has not run")
        return self.embedded

    def need_fit(self) -> ThemeResult:
        """The fitted themes (the themes stage must have run)."""
        if self.fit is None:
            raise RuntimeError("the themes stage has not run")
        return self.fit
