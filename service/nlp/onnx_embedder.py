"""all-MiniLM-L6-v2 through onnxruntime, exported locally from the bundled checkpoint.

sentence-transformers' own ONNX backend needs ``optimum-onnx``, which cannot be installed beside
sentence-transformers 6 (shared/MEASUREMENTS.md). Instead, the first use exports the bundled,
digest-checked weights with ``torch.onnx.export`` into ``<data dir>/onnx/`` (and, for ``int8``,
quantizes them with ``onnxruntime.quantization.quantize_dynamic``); later uses load the file.
Pooling is what the sentence-transformers model does: the attention-masked mean of the last
hidden states, then L2 normalisation. Nothing is downloaded, and the exported files are not
committed.

Requires the optional packages ``onnx`` and ``onnxruntime`` (``pip install 'peerpulse[onnx]'``).
On ``cuda`` it needs onnxruntime's CUDA execution provider (the ``onnxruntime-gpu`` build).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from service.errors import ModelUnavailable
from service.nlp.embeddings import (
    MODEL_NAME,
    MODEL_SHA256,
    Device,
    bundled_model_path,
    resolve_device,
    verify_model,
)

MAX_SEQ_LENGTH = 256  # the model's sentence_bert_config.json
CUDA_PROVIDER = "CUDAExecutionProvider"
CPU_PROVIDER = "CPUExecutionProvider"
Precision = Literal["fp32", "int8"]

log = logging.getLogger(__name__)


def choose_device(device: str, available: Sequence[str]) -> Device:
    """Where onnxruntime runs for ``PEERPULSE_EMBEDDING_DEVICE`` and its ``available`` providers.

    ``cpu`` is the CPU. ``cuda`` needs the CUDA execution provider and is an error without it.
    ``auto`` takes CUDA when torch sees a GPU and onnxruntime can use it, and says so in the log
    when a GPU is there but this onnxruntime build cannot use it.
    """
    if device == "cuda" and CUDA_PROVIDER not in available:
        raise ModelUnavailable(
            "PEERPULSE_EMBEDDING_DEVICE is 'cuda', but this onnxruntime has no CUDA execution "
            "provider",
            detail=f"Available providers: {', '.join(available)}.",
            hint="Install onnxruntime-gpu in place of onnxruntime, or set "
            "PEERPULSE_EMBEDDING_DEVICE to auto or cpu.",
        )
    if device == "cuda":
        return "cuda"
    resolved = resolve_device(device)  # auto or cpu (an unknown value raises there)
    if resolved == "cuda" and CUDA_PROVIDER not in available:
        log.warning(
            "a CUDA GPU is present but onnxruntime has no %s (providers: %s): embedding on the "
            "CPU; install onnxruntime-gpu to use the GPU",
            CUDA_PROVIDER,
            ", ".join(available),
        )
        return "cpu"
    return resolved


def export_onnx(model_path: Path, folder: Path, *, precision: Precision = "fp32") -> Path:
    """Export (once) the checkpoint at ``model_path`` to ONNX under ``folder``; return the file."""
    folder = folder / MODEL_SHA256[:12]
    folder.mkdir(parents=True, exist_ok=True)
    fp32 = folder / "model.onnx"
    if not fp32.exists():
        _export_fp32(model_path, fp32)
    if precision == "fp32":
        return fp32
    int8 = folder / "model.int8-per-channel.onnx"
    if not int8.exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        partial = int8.with_suffix(".partial")
        # per-channel weights: top-10 agreement with torch 0.90 instead of 0.81 per tensor
        quantize_dynamic(str(fp32), str(partial), weight_type=QuantType.QInt8, per_channel=True)
        partial.replace(int8)
    return int8


def _export_fp32(model_path: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_path), local_files_only=True).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    dummy = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    partial = target.with_suffix(".partial")
    with torch.no_grad():
        torch.onnx.export(
            LastHiddenState(),
            (dummy, dummy, torch.zeros_like(dummy)),
            str(partial),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "last_hidden_state": axes,
            },
            opset_version=17,
            dynamo=False,
        )
    partial.replace(target)


class OnnxEmbedder:
    """The :class:`~service.nlp.embeddings.Embedder` protocol on onnxruntime (CPU)."""

    dim = 384

    def __init__(
        self,
        *,
        cache_dir: Path,
        precision: Precision = "fp32",
        model_path: Path | None = None,
        batch_size: int = 64,
        threads: int | None = None,
        device: str = "cpu",
    ) -> None:
        """Export on first use into ``cache_dir`` and open an inference session.

        Args:
            cache_dir: Where exported models live (``<data dir>/onnx``).
            precision: ``fp32`` or dynamically quantized ``int8``.
            model_path: The sentence-transformers checkpoint; the bundled one by default.
            batch_size: Texts per inference call.
            threads: onnxruntime intra-op threads (``None``: its default, one per core).
            device: ``cpu``, ``cuda`` or ``auto`` (see :func:`choose_device`).
        """
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import onnx  # noqa: F401 - the export and the quantizer need it
            import onnxruntime
            from transformers import AutoTokenizer
        except ImportError as exc:
            raise ModelUnavailable(
                "The ONNX embedding backend needs onnx and onnxruntime",
                hint="pip install 'peerpulse[onnx]', or set PEERPULSE_EMBEDDING_BACKEND=torch.",
            ) from exc
        self.device: Device = choose_device(device, onnxruntime.get_available_providers())
        path = model_path or bundled_model_path()
        verify_model(path)
        self.name = f"{MODEL_NAME}/onnx" + ("-int8" if precision == "int8" else "")
        self.batch_size = batch_size
        self.model_file = export_onnx(path, Path(cache_dir), precision=precision)
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        providers = [CUDA_PROVIDER, CPU_PROVIDER] if self.device == "cuda" else [CPU_PROVIDER]
        self._session = onnxruntime.InferenceSession(
            str(self.model_file), options, providers=providers
        )
        if self.device == "cuda" and CUDA_PROVIDER not in self._session.get_providers():
            raise ModelUnavailable(
                "onnxruntime could not start its CUDA execution provider",
                detail=f"The session runs on {', '.join(self._session.get_providers())}.",
                hint="Check the CUDA and cuDNN libraries onnxruntime-gpu needs, or set "
                "PEERPULSE_EMBEDDING_DEVICE=cpu.",
            )
        self._tokenizer: Any = AutoTokenizer.from_pretrained(str(path), local_files_only=True)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Encode ``texts``, batched by length as sentence-transformers does.

        An empty input gives an empty ``(0, dim)`` array.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = np.argsort([-len(text) for text in texts], kind="stable")  # less padding
        ordered = [texts[i] for i in order]
        chunks = [
            self._embed_batch(ordered[i : i + self.batch_size])
            for i in range(0, len(ordered), self.batch_size)
        ]
        vectors = np.empty((len(texts), self.dim), dtype=np.float32)
        vectors[order] = np.concatenate(chunks)
        return vectors

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encoded = self._tokenizer(
            texts, padding=True, truncation=True, max_length=MAX_SEQ_LENGTH, return_tensors="np"
        )
        feeds = {
            name: encoded[name].astype(np.int64)
            for name in ("input_ids", "attention_mask", "token_type_ids")
        }
        hidden = self._session.run(["last_hidden_state"], feeds)[0]
        mask = feeds["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
