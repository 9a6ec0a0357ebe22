"""Session-scoped real models for the concern tests: the shipped scorer on the bundled encoder."""

from __future__ import annotations

import pytest

from service.concerns.scorer import EmbeddingConcernScorer, load_scorer
from service.modelstore import ModelStore
from service.nlp.embeddings import Embedder


@pytest.fixture(scope="session")
def embedder(models: ModelStore) -> Embedder:
    """The real all-MiniLM-L6-v2 encoder, shared with the rest of the suite."""
    return models.embedder


@pytest.fixture(scope="session")
def scorer(embedder: Embedder) -> EmbeddingConcernScorer:
    """The shipped model, ``models/concerns/v2/model.skops``, loaded with skops."""
    return load_scorer(embedder=embedder)
