"""Heavy models, loaded once per process (app lifespan, worker start, CLI command) and injected."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from service.config import Settings

if TYPE_CHECKING:
    from spacy.language import Language

    from service.concerns.protocols import ConcernScorer
    from service.nlp.embeddings import Embedder
    from service.privacy.redactor import Redactor
    from service.themes.labels import Lexicon

T = TypeVar("T")


class ModelStore:
    """Loads each model on first use and keeps it; importing this module loads nothing."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # Re-entrant: a loader may ask for another model (the concern scorer needs the embedder).
        self._lock = threading.RLock()
        self._models: dict[str, Any] = {}

    def _get(self, name: str, loader: Callable[[], T]) -> T:
        with self._lock:
            if name not in self._models:
                self._models[name] = loader()
            model: T = self._models[name]
            return model

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
        """The sentence embedder of ``PEERPULSE_EMBEDDING_BACKEND`` on ``_DEVICE``.

        The ONNX backends export the bundled weights once into ``<data dir>/onnx``.
        """
        from service.nlp.embeddings import build_embedder

        return self._get(
            "embedder",
            lambda: build_embedder(
                self.settings.embedding_backend,
                device=self.settings.embedding_device,
                batch_size=self.settings.embedding_batch_size,
                cache_dir=self.settings.data_dir / "onnx",
            ),
        )

    @property
    def theme_lexicon(self) -> Lexicon:
        """Lemmas and stop words for the theme vectorizer (from the spaCy pipeline)."""
        from service.nlp.pipeline import load_lexicon
        from service.themes.labels import Lexicon

        def load() -> Lexicon:
            lexicon: Lexicon = Lexicon.from_spacy(load_lexicon(self.settings.spacy_model))
            return lexicon

        return self._get("theme_lexicon", load)

    @property
    def phrase_parser(self) -> Language:
        """The spaCy tagger and parser whose noun chunks become theme labels."""
        from service.nlp.pipeline import load_spacy
        from service.themes.phrases import PHRASE_EXCLUDE

        return self._get(
            "phrase_parser",
            lambda: load_spacy(self.settings.spacy_model, exclude=PHRASE_EXCLUDE),
        )

    @property
    def concern_scorer(self) -> ConcernScorer:
        """The shipped concern scorer (skops model over the shared embedder)."""
        from service.concerns.scorer import load_scorer

        return self._get("concern_scorer", lambda: load_scorer(embedder=self.embedder))

    def put(self, name: str, model: Any) -> None:
        """Install a model (tests share session-scoped models this way)."""
        with self._lock:
            self._models[name] = model
