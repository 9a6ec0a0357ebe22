"""Stage: fit the theme model on the embedded units (deterministic for the configured seed); a
fragment takes the theme of its answer's sentence (:mod:`service.themes.fragments`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from service.analysis.context import Analysis, Context, Progress
from service.config import Settings
from service.modelstore import ModelStore
from service.storage import db
from service.storage.repositories import languages
from service.themes import fragments
from service.themes.schemas import ThemeResult


def fit_themes(
    models: ModelStore, settings: Settings, texts: list[str], vectors: np.ndarray
) -> ThemeResult:
    """Fit the production theme model (:func:`~service.themes.build.build_theme_model`)."""
    from service.themes.build import build_theme_model

    return build_theme_model(settings, models).fit(texts, vectors)


def other_languages(context: Context) -> dict[str, Any]:
    """Answers kept out of theming because they are in another language, for review: their
    number and the languages with at least the minimum group of answers (a smaller count would
    single out the few who write in it); nothing when they are fewer than the minimum group."""
    with db.transaction(context.engine) as session:
        counts = languages.other_languages(session, context.community_id)
    total, least = sum(counts.values()), context.privacy.min_group
    return {
        "answers": total if total >= least else None,
        "languages": {code: n for code, n in counts.items() if n >= least and total >= least},
    }


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.fit`` and ``analysis.other_languages``."""
    analysis.other_languages = other_languages(context)
    embedded = analysis.need_embedded()
    progress(0.0, f"finding themes in {len(embedded.units)} units")
    texts = [u.text for u in embedded.units]
    anchored = fragments.anchors([u.response_id for u in embedded.units], texts)
    fitted = np.flatnonzero(anchored == np.arange(len(texts)))
    found = fit_themes(
        context.models, context.settings, [texts[i] for i in fitted], embedded.vectors[fitted]
    )
    analysis.fit = fragments.spread(found, anchored, fitted)
