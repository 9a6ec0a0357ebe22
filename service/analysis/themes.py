"""Stage: fit the theme model on the embedded units (deterministic for the configured seed)."""

from __future__ import annotations

import numpy as np

from service.analysis.context import Analysis, Context, Progress
from service.config import Settings
from service.modelstore import ModelStore
from service.themes.schemas import ThemeResult


def fit_themes(
    models: ModelStore, settings: Settings, texts: list[str], vectors: np.ndarray
) -> ThemeResult:
    """Fit the production theme model (:func:`~service.themes.build.build_theme_model`)."""
    from service.themes.build import build_theme_model

    return build_theme_model(settings, models).fit(texts, vectors)


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.fit``."""
    embedded = analysis.need_embedded()
    progress(0.0, f"finding themes in {len(embedded.units)} units")
    texts = [u.text for u in embedded.units]
    analysis.fit = fit_themes(context.models, context.settings, texts, embedded.vectors)
