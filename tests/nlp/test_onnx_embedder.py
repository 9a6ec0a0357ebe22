"""The ONNX backend: exported once, same vectors as torch (fp32)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

from service.modelstore import ModelStore  # noqa: E402
from service.nlp.onnx_embedder import OnnxEmbedder  # noqa: E402

TEXTS = ["The VPN drops every afternoon.", "Expense claims take months.", "Calendar clashes"]


@pytest.fixture(scope="session")
def onnx_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx")


# torch's exporter warns while tracing the BERT graph (third-party, harmless for this model)
@pytest.mark.filterwarnings("ignore:Exporting aten:UserWarning")
@pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning")
def test_fp32_matches_torch_and_exports_once(onnx_dir: Path, models: ModelStore) -> None:
    embedder = OnnxEmbedder(cache_dir=onnx_dir, precision="fp32")
    vectors = embedder.embed(TEXTS)
    reference = models.embedder.embed(TEXTS)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(vectors * reference, axis=1)) > 0.999
    modified = embedder.model_file.stat().st_mtime_ns
    again = OnnxEmbedder(cache_dir=onnx_dir, precision="fp32")
    assert again.model_file == embedder.model_file
    assert again.model_file.stat().st_mtime_ns == modified
    assert again.embed([]).shape == (0, 384)
