"""Stage: fit the theme model on the embedded units (deterministic for the configured seed); a
fragment takes the theme of its answer's sentence (:mod:`service.themes.fragments`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from service.analysis import codebook
from service.analysis.context import Analysis, Context, Progress, UnitRow
from service.codebook.coding import Coded, combine, nothing_found
from service.config import Settings
from service.modelstore import ModelStore
from service.storage import db
from service.storage.repositories import languages
from service.themes import fragments
from service.themes.schemas import ThemeResult

MIN_DISCOVERY = 2  # least units left for discovery, in minimum groups


def fit_themes(
    models: ModelStore, settings: Settings, texts: list[str], vectors: np.ndarray
) -> ThemeResult:
    """Fit the production theme model (:func:`~service.themes.build.build_theme_model`)."""
    from service.themes.build import build_theme_model

    return build_theme_model(settings, models).fit(texts, vectors)


def other_languages(context: Context) -> dict[str, Any]:
    """Answers kept out of theming because they are in another language, for review.

    Counted by the people who wrote them: nothing when fewer than the minimum group wrote in
    other languages; the answers per language only when every language has at least the minimum
    group of writers (one language hidden would be the total less the ones shown).
    """
    with db.transaction(context.engine) as session:
        counts = languages.other_languages(session, context.community_id)
        writers, everyone = languages.other_language_writers(session, context.community_id)
    return shown_languages(counts, writers, everyone, context.privacy.min_group)


def shown_languages(
    answers: dict[str, int], writers: dict[str, int], everyone: int, least: int
) -> dict[str, Any]:
    """The rule of :func:`other_languages` on its counts (answers and writers per language)."""
    if everyone < least:
        return {"answers": None, "languages": {}}
    each_shown = all(n >= least for n in writers.values())
    return {"answers": sum(answers.values()), "languages": answers if each_shown else {}}


def fit_scope(
    context: Context, answer_ids: Sequence[int], texts: Sequence[str], vectors: np.ndarray
) -> ThemeResult:
    """The themes of one scope's units (in answer order): full sentences are clustered, and a
    fragment takes the theme of its answer's sentence."""
    anchored = fragments.anchors(answer_ids, texts)
    fitted = np.flatnonzero(anchored == np.arange(len(texts)))
    found = fit_themes(
        context.models, context.settings, [texts[int(i)] for i in fitted], vectors[fitted]
    )
    return fragments.spread(found, anchored, fitted)


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.fit`` and ``analysis.other_languages``."""
    analysis.other_languages = other_languages(context)
    embedded = analysis.need_embedded()
    progress(0.0, f"finding themes in {len(embedded.units)} units")
    analysis.fit = fit_rest(context, embedded.units, embedded.vectors, analysis.coded)


def fit_rest(
    context: Context, units: Sequence[UnitRow], vectors: np.ndarray, coded: Coded | None
) -> ThemeResult:
    """The scope's themes: with a codebook, its codes first, then the themes discovered among
    the units that fit no code (:func:`service.codebook.coding.combine`)."""
    if coded is None:
        return fit_scope(context, [u.response_id for u in units], [u.text for u in units], vectors)
    free = coded.free
    found = (
        fit_scope(
            context,
            [units[int(i)].response_id for i in free],
            [units[int(i)].text for i in free],
            vectors[free],
        )
        if len(free) >= MIN_DISCOVERY * max(1, context.settings.min_group_size)
        else nothing_found(len(free))
    )
    return combine(coded, found, vectors, codebook.fallbacks(context, coded))
