"""The ONNX backends: exported once from the bundled weights, the vectors torch gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from service.config import Settings
from service.modelstore import ModelStore
from service.nlp.embeddings import SentenceTransformerEmbedder
from service.nlp.onnx_embedder import OnnxEmbedder

# torch's exporter warns while tracing the BERT graph (third-party, harmless for this model); the
# export runs in whichever test first asks for a session-scoped store below.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Exporting aten:UserWarning"),
    pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning"),
]

TEXTS = [
    "The VPN drops every afternoon.",
    "Expense claims take months to be paid back.",
    "Calendar clashes",
    "I lie awake worrying that my role will be cut in the reorganisation.",
    "Our new director finally explained the budget process, which helped a lot.",
]


@pytest.fixture(scope="session")
def onnx_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory for the session: each precision is exported into it once."""
    return tmp_path_factory.mktemp("onnx-data")


def _store(backend: str, data_dir: Path) -> ModelStore:
    return ModelStore(
        Settings(
            environment="test", data_dir=data_dir, embedding_backend=backend, embedding_device="cpu"
        )
    )


@pytest.fixture(scope="session")
def onnx_store(onnx_data_dir: Path) -> ModelStore:
    """A model store with ``PEERPULSE_EMBEDDING_BACKEND=onnx``."""
    return _store("onnx", onnx_data_dir)


@pytest.fixture(scope="session")
def int8_store(onnx_data_dir: Path) -> ModelStore:
    """A model store with ``PEERPULSE_EMBEDDING_BACKEND=onnx-int8``."""
    return _store("onnx-int8", onnx_data_dir)


@pytest.fixture(scope="session")
def torch_vectors(models: ModelStore) -> np.ndarray:
    """The reference: sentence-transformers on torch."""
    return models.embedder.embed(TEXTS)


def test_the_default_backend_is_sentence_transformers_on_torch(models: ModelStore) -> None:
    embedder = models.embedder
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.name == "all-MiniLM-L6-v2/torch"


def test_onnx_backend_setting_picks_the_fp32_export(
    onnx_store: ModelStore, onnx_data_dir: Path
) -> None:
    embedder = onnx_store.embedder
    assert isinstance(embedder, OnnxEmbedder)
    assert embedder.name == "all-MiniLM-L6-v2/onnx"
    assert embedder.device == "cpu"
    assert embedder.model_file.name == "model.onnx"
    assert embedder.model_file.is_relative_to(onnx_data_dir / "onnx")


def test_onnx_int8_backend_setting_picks_the_quantized_export(
    int8_store: ModelStore, onnx_data_dir: Path
) -> None:
    embedder = int8_store.embedder
    assert isinstance(embedder, OnnxEmbedder)
    assert embedder.name == "all-MiniLM-L6-v2/onnx-int8"
    assert embedder.model_file.name == "model.int8-per-channel.onnx"
    assert embedder.model_file.is_relative_to(onnx_data_dir / "onnx")
    fp32 = embedder.model_file.with_name("model.onnx")
    assert embedder.model_file.stat().st_size < fp32.stat().st_size / 3  # 90 MB -> 23 MB


@pytest.mark.parametrize(("store", "least_cosine"), [("onnx_store", 0.99), ("int8_store", 0.95)])
def test_onnx_vectors_agree_with_torch(
    request: pytest.FixtureRequest, store: str, least_cosine: float, torch_vectors: np.ndarray
) -> None:
    vectors = request.getfixturevalue(store).embedder.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(vectors * torch_vectors, axis=1)
    assert np.min(cosines) > least_cosine


def test_onnx_keeps_the_input_order_across_batches(
    onnx_data_dir: Path, torch_vectors: np.ndarray
) -> None:
    embedder = OnnxEmbedder(cache_dir=onnx_data_dir / "onnx", batch_size=2)
    vectors = embedder.embed(TEXTS)
    assert np.argmax(vectors @ torch_vectors.T, axis=1).tolist() == list(range(len(TEXTS)))


def test_export_happens_once(onnx_store: ModelStore, onnx_data_dir: Path) -> None:
    first = onnx_store.embedder
    assert isinstance(first, OnnxEmbedder)
    modified = first.model_file.stat().st_mtime_ns
    again = OnnxEmbedder(cache_dir=onnx_data_dir / "onnx", precision="fp32")
    assert again.model_file == first.model_file
    assert again.model_file.stat().st_mtime_ns == modified
    assert again.embed([]).shape == (0, 384)


def test_the_concern_scorer_accepts_the_onnx_embedder(onnx_store: ModelStore) -> None:
    (score,) = onnx_store.concern_scorer.score(["I can't sleep for worrying about the layoffs."])
    assert score.level >= 2
