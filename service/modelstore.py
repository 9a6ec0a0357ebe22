"""Heavy models, loaded once per process (app lifespan, worker start, CLI command) and injected."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from service.config import Settings

if TYPE_CHECKING:
    from service.nlp.embeddings import Embedder
    from service.privacy.redactor import Redactor


class ModelStore:
    """Loads each model on first use and keeps it; importing this module loads nothing."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Re-entrant: a loader may ask for another model (the concern scorer needs the embedder).
        self._lock = threading.RLock()
        self._models: dict[str, Any] = {}

    def _get(self, name: str, loader: Any) -> Any:
        with self._lock:
            if name not in self._models:
                self._models[name] = loader()
            return self._models[name]

    @property
    def redactor(self) -> Redactor:
        """The spaCy pipeline with the PII redactor."""
        from service.privacy.redactor import load_redactor

        return self._get(
            "redactor",
            lambda: load_redactor(self.settings.spacy_model, privacy=self.settings.privacy),
        )

    @property
    def embedder(self) -> Embedder:
        """The sentence embedder chosen by ``PEERPULSE_EMBEDDING_BACKEND``."""
        from service.nlp.embeddings import SentenceTransformerEmbedder

        return self._get(
            "embedder",
            lambda: SentenceTransformerEmbedder(batch_size=self.settings.embedding_batch_size),
        )

    @property
    def theme_lexicon(self) -> Any:
        """Lemmas and stop words for the theme vectorizer (from the spaCy pipeline)."""
        from service.nlp.pipeline import load_lexicon
        from service.themes.labels import Lexicon

        return self._get(
            "theme_lexicon", lambda: Lexicon.from_spacy(load_lexicon(self.settings.spacy_model))
        )

    @property
    def concern_scorer(self) -> Any:
        """The shipped concern scorer (skops model over the shared embedder)."""
        from service.concerns.scorer import load_scorer

        return self._get("concern_scorer", lambda: load_scorer(embedder=self.embedder))

    def put(self, name: str, model: Any) -> None:
        """Install a model (tests share session-scoped models this way)."""
        with self._lock:
            self._models[name] = model
