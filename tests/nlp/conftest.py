"""Session-scoped spaCy pipelines for the nlp tests (real models, loaded once)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from service.config import Settings
from service.nlp.pipeline import load_sentence_splitter


@pytest.fixture(scope="session")
def sentence_nlp() -> Language:
    """The installed pipeline with only the sentence recogniser."""
    return load_sentence_splitter(Settings().spacy_model)
