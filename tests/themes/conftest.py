"""Session-scoped real models and a fitted small-data run for the theme tests."""

from __future__ import annotations

import numpy as np
import pytest

from service.config import Settings
from service.modelstore import ModelStore
from service.nlp.pipeline import load_lexicon
from service.themes.labels import Lexicon
from service.themes.model import BERTopicThemeModel
from service.themes.schemas import ThemeResult
from tests.themes.workplace import SENTENCES


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    """Lemmas and stop words of the installed spaCy pipeline."""
    return Lexicon.from_spacy(load_lexicon(Settings().spacy_model))


@pytest.fixture(scope="session")
def workplace_embeddings(models: ModelStore) -> np.ndarray:
    """The bundled MiniLM's embeddings of the sixty workplace sentences."""
    return models.embedder.embed(SENTENCES)


@pytest.fixture(scope="session")
def workplace_result(lexicon: Lexicon, workplace_embeddings: np.ndarray) -> ThemeResult:
    """The production model fitted on the workplace sentences (seed 0)."""
    return BERTopicThemeModel(lexicon=lexicon, random_state=0).fit(SENTENCES, workplace_embeddings)
