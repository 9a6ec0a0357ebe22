"""Session-scoped real models and a fitted small-data run for the theme tests."""

from __future__ import annotations

import numpy as np
import pytest

from service.config import Settings
from service.modelstore import ModelStore
from service.nlp.pipeline import load_lexicon
from service.themes.build import build_theme_model
from service.themes.labels import Lexicon
from service.themes.schemas import ThemeResult
from tests.themes.workplace import SENTENCES


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    """Lemmas and stop words of the installed spaCy pipeline."""
    return Lexicon.from_spacy(load_lexicon(Settings().spacy_model))


@pytest.fixture(scope="session")
def theme_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Test settings whose theme seed is 0 (the seed the workplace run is fitted with)."""
    return Settings(
        environment="test", theme_seed=0, data_dir=tmp_path_factory.mktemp("theme-data")
    )


@pytest.fixture(scope="session")
def workplace_embeddings(models: ModelStore) -> np.ndarray:
    """The bundled MiniLM's embeddings of the sixty workplace sentences."""
    return models.embedder.embed(SENTENCES)


@pytest.fixture(scope="session")
def workplace_result(
    theme_settings: Settings, models: ModelStore, workplace_embeddings: np.ndarray
) -> ThemeResult:
    """The production model (:func:`build_theme_model`) fitted on the workplace sentences."""
    return build_theme_model(theme_settings, models).fit(SENTENCES, workplace_embeddings)
