"""Loading spaCy pipelines: cached per configuration, clear errors, nothing at import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from service.config import Settings
from service.errors import ModelUnavailable
from service.nlp.pipeline import load_lexicon, load_sentence_splitter, load_spacy


def test_pipelines_are_cached_per_configuration(sentence_nlp) -> None:
    name = Settings().spacy_model
    assert load_sentence_splitter(name) is sentence_nlp
    assert sentence_nlp.pipe_names == ["senter", "placeholder_guard"]
    lexicon = load_lexicon(name)
    assert lexicon is not sentence_nlp
    assert lexicon.pipe_names == ["lemmatizer"]


def test_a_missing_model_is_a_clear_error() -> None:
    with pytest.raises(ModelUnavailable, match="not installed"):
        load_spacy("no_such_spacy_pipeline_xx")


def test_importing_the_core_loads_no_model() -> None:
    code = (
        "import sys; import service.nlp.pipeline, service.nlp.units, service.themes.model, "
        "service.themes.identity, service.themes.trends, service.themes.quotes; "
        "print(sorted(m for m in ('spacy', 'bertopic', 'umap', 'torch', 'fastapi', 'sqlalchemy') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
