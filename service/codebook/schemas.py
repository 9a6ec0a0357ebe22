"""What the theme editor and the codebook take in (API bodies, form fields, CSV rows)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_EXAMPLES = 20
EXAMPLE_SEPARATOR = " | "


def _clean(text: str) -> str:
    return " ".join(text.replace("\x00", "").split())


class Strict(BaseModel):
    """Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class RenameIn(Strict):
    """A human-given name (null clears it); later analyses keep it."""

    name: str | None = Field(default=None, max_length=300)

    @field_validator("name")
    @classmethod
    def _tidy(cls, value: str | None) -> str | None:
        return _clean(value) or None if value is not None else None


class DescribeIn(Strict):
    """What the theme is about, in the committee's words (empty clears it)."""

    description: str = Field(default="", max_length=2000)

    @field_validator("description")
    @classmethod
    def _tidy(cls, value: str) -> str:
        return _clean(value)


RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]  # a row's key: past the column's range, 422


class MergeIn(Strict):
    """``other`` joins the theme acted on, which keeps its id and name."""

    other: int = Field(ge=1, le=2**31 - 1)


class PickedAnswers(Strict):
    """Answers picked by the committee (by id), a name and a description."""

    answer_ids: list[RowId] = Field(min_length=1, max_length=500)
    name: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=2000)

    @field_validator("name", "description")
    @classmethod
    def _tidy(cls, value: str) -> str:
        return _clean(value)


class SplitIn(PickedAnswers):
    """The picked answers leave the theme for a new theme with this name."""


class CreateIn(PickedAnswers):
    """A new theme from a name, a description and example answers (coded to it)."""

    question_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class MoveIn(Strict):
    """An answer leaves the theme for another (``to_theme_id``) or for none (null)."""

    answer_id: int = Field(ge=1, le=2**31 - 1)
    to_theme_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class DecisionIn(Strict):
    """The committee's decision on a new candidate theme (merging is the merge action)."""

    decision: Literal["adopt", "ignore"]


class CodeIn(Strict):
    """One code of a codebook, as ``PUT …/codebook`` and the CSV file give it."""

    code: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=2000)
    examples: list[str] = Field(default_factory=list, max_length=MAX_EXAMPLES)
    question: str | None = None
    parent: str | None = Field(default=None, max_length=300)

    @field_validator("code", "description")
    @classmethod
    def _tidy(cls, value: str) -> str:
        return _clean(value)

    @field_validator("examples")
    @classmethod
    def _tidy_examples(cls, value: list[str]) -> list[str]:
        return [text for text in (_clean(e) for e in value) if text]

    @field_validator("question", "parent")
    @classmethod
    def _tidy_optional(cls, value: str | None) -> str | None:
        return _clean(value) or None if value is not None else None


class CodebookIn(Strict):
    """A whole codebook: it replaces the community's codes (``PUT …/codebook``)."""

    codes: list[CodeIn] = Field(max_length=2000)
