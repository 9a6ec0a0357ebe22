"""Recognise which tool produced a table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from service.ingest.decode import Table
from service.ingest.formats import (
    checkins,
    generic,
    google_forms,
    ms_forms,
    qualtrics,
    surveymonkey,
    typeform,
)
from service.ingest.formats.base import Layout

FORMAT_NAMES = (
    "google_forms",
    "surveymonkey",
    "qualtrics",
    "ms_forms",
    "typeform",
    "checkins",
    "csv",
    "jsonl",
)


@dataclass(frozen=True)
class Format:
    """A layout a file can be in: how to recognise it and how to plan its columns."""

    name: str
    matches: Callable[[Table], bool]
    layout: Callable[[Table], Layout]


FORMATS: dict[str, Format] = {
    "qualtrics": Format("qualtrics", qualtrics.matches, qualtrics.layout),
    "surveymonkey": Format("surveymonkey", surveymonkey.matches, surveymonkey.layout),
    "ms_forms": Format("ms_forms", ms_forms.matches, ms_forms.layout),
    "typeform": Format("typeform", typeform.matches, typeform.layout),
    "checkins": Format("checkins", checkins.matches, checkins.layout),
    "google_forms": Format("google_forms", google_forms.matches, google_forms.layout),
    "csv": Format("csv", generic.matches, generic.layout_for("csv")),
    "jsonl": Format("jsonl", generic.matches, generic.layout_for("jsonl")),
}


def detect(table: Table) -> Format:
    """The first format whose signature the table carries; generic CSV/JSONL otherwise."""
    for name in ("qualtrics", "surveymonkey", "ms_forms", "typeform", "checkins", "google_forms"):
        if FORMATS[name].matches(table):
            return FORMATS[name]
    return FORMATS["jsonl" if table.container == "json" else "csv"]
