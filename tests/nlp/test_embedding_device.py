"""PEERPULSE_EMBEDDING_DEVICE: auto takes CUDA when torch sees it; cuda without one says so."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from service.config import Settings
from service.errors import ModelUnavailable
from service.modelstore import ModelStore
from service.nlp import embeddings
from service.nlp.embeddings import build_embedder, resolve_device
from service.nlp.onnx_embedder import CPU_PROVIDER, CUDA_PROVIDER, choose_device


@pytest.fixture
def gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """Torch sees a CUDA GPU."""
    monkeypatch.setattr(embeddings, "torch_sees_cuda", lambda: True)


@pytest.fixture
def no_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """Torch sees none."""
    monkeypatch.setattr(embeddings, "torch_sees_cuda", lambda: False)


@pytest.mark.usefixtures("gpu")
@pytest.mark.parametrize(
    ("device", "expected"), [("auto", "cuda"), ("cpu", "cpu"), ("cuda", "cuda")]
)
def test_torch_device_with_a_gpu(device: str, expected: str) -> None:
    assert resolve_device(device) == expected


@pytest.mark.usefixtures("no_gpu")
@pytest.mark.parametrize("device", ["auto", "cpu"])
def test_torch_device_without_a_gpu_is_the_cpu(device: str) -> None:
    assert resolve_device(device) == "cpu"


@pytest.mark.usefixtures("no_gpu")
def test_cuda_without_a_gpu_is_refused_by_name() -> None:
    with pytest.raises(ModelUnavailable, match="PEERPULSE_EMBEDDING_DEVICE is 'cuda'") as caught:
        resolve_device("cuda")
    assert "auto or cpu" in (caught.value.hint or "")


def test_the_real_torch_decides_auto() -> None:
    import torch

    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")


@pytest.mark.usefixtures("no_gpu")
def test_the_model_store_passes_the_device_on(tmp_path: Path) -> None:
    store = ModelStore(Settings(environment="test", data_dir=tmp_path, embedding_device="cuda"))
    with pytest.raises(ModelUnavailable, match="torch sees no CUDA GPU"):
        store.embedder  # noqa: B018 - loading is the point


def test_an_unknown_backend_is_refused_with_the_allowed_values(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="'tensorflow', not one of: torch, onnx, onnx-int8"):
        build_embedder("tensorflow", cache_dir=tmp_path)


def test_onnx_cuda_needs_the_cuda_provider() -> None:
    with pytest.raises(ModelUnavailable, match="no CUDA execution provider") as caught:
        choose_device("cuda", [CPU_PROVIDER])
    assert "onnxruntime-gpu" in (caught.value.hint or "")
    assert CPU_PROVIDER in caught.value.detail


@pytest.mark.parametrize(
    ("device", "providers", "expected"),
    [
        ("cuda", [CUDA_PROVIDER, CPU_PROVIDER], "cuda"),
        ("auto", [CUDA_PROVIDER, CPU_PROVIDER], "cuda"),
        ("cpu", [CUDA_PROVIDER, CPU_PROVIDER], "cpu"),
        ("auto", [CPU_PROVIDER], "cpu"),
    ],
)
@pytest.mark.usefixtures("gpu")
def test_onnx_device_with_a_gpu(device: str, providers: list[str], expected: str) -> None:
    assert choose_device(device, providers) == expected


@pytest.mark.usefixtures("gpu")
def test_onnx_auto_says_when_it_cannot_use_the_gpu(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="service.nlp.onnx_embedder"):
        assert choose_device("auto", [CPU_PROVIDER]) == "cpu"
    assert "install onnxruntime-gpu" in caplog.text


@pytest.mark.usefixtures("no_gpu")
def test_onnx_auto_without_a_gpu_is_the_cpu() -> None:
    assert choose_device("auto", [CUDA_PROVIDER, CPU_PROVIDER]) == "cpu"
