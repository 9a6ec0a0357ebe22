"""An unknown setting stops the CLI and the server at start, in the error format."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest
from typer.testing import CliRunner

from service.cli import app
from service.config import EmbeddingBackend, EmbeddingDevice, get_settings, load_settings
from service.errors import InvalidInput
from service.main import create_app
from service.nlp.embeddings import BACKENDS, DEVICES
from tests.conftest import ROOT

BAD_VALUES = [
    ("PEERPULSE_EMBEDDING_BACKEND", "tensorflow", "torch, onnx, onnx-int8"),
    ("PEERPULSE_EMBEDDING_DEVICE", "gpu", "auto, cpu, cuda"),
]


@pytest.fixture
def fresh_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings read anew from the environment, with a throwaway database."""
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'start.db'}")
    monkeypatch.setenv("PEERPULSE_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _assert_names_the_problem(
    body: dict[str, object], variable: str, value: str, allowed: str
) -> None:
    assert set(body) == {"error", "detail", "location", "hint"}
    assert f"{variable} is '{value}', not one of: {allowed}" in str(body["error"])
    assert body["hint"] == f"Set {variable} to one of: {allowed}."


def test_the_settings_and_the_embedders_know_the_same_values() -> None:
    assert get_args(EmbeddingBackend) == BACKENDS
    assert get_args(EmbeddingDevice) == DEVICES


@pytest.mark.parametrize(("backend", "device"), [("onnx", "cpu"), ("onnx-int8", "cuda")])
def test_good_values_are_read(backend: str, device: str) -> None:
    settings = load_settings(embedding_backend=backend, embedding_device=device)
    assert (settings.embedding_backend, settings.embedding_device) == (backend, device)


def test_the_device_defaults_to_auto() -> None:
    assert load_settings().embedding_device == "auto"


@pytest.mark.usefixtures("fresh_settings")
@pytest.mark.parametrize(("variable", "value", "allowed"), BAD_VALUES)
def test_the_settings_loader_refuses_an_unknown_value(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, allowed: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(InvalidInput) as caught:
        get_settings()
    _assert_names_the_problem(caught.value.as_dict(), variable, value, allowed)


@pytest.mark.usefixtures("fresh_settings")
@pytest.mark.parametrize(("variable", "value", "allowed"), BAD_VALUES)
def test_the_server_app_refuses_an_unknown_value(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, allowed: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(InvalidInput, match=variable):
        create_app()


@pytest.mark.usefixtures("fresh_settings")
@pytest.mark.parametrize(("variable", "value", "allowed"), BAD_VALUES)
@pytest.mark.parametrize("command", [["db", "upgrade"], ["communities", "list"]])
def test_the_cli_stops_before_any_command(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: list[str],
    variable: str,
    value: str,
    allowed: str,
) -> None:
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2
    assert result.stdout == ""
    _assert_names_the_problem(json.loads(result.stderr), variable, value, allowed)
    assert not (tmp_path / "start.db").exists()  # stopped before touching the database


@pytest.mark.parametrize(("variable", "value", "allowed"), BAD_VALUES)
def test_uvicorn_stops_at_import_with_the_error_body(
    tmp_path: Path, variable: str, value: str, allowed: str
) -> None:
    env = {
        **os.environ,
        variable: value,
        "PEERPULSE_DATABASE_URL": f"sqlite:///{tmp_path / 'server.db'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import service.main"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    last_line = done.stderr.strip().splitlines()[-1]
    _assert_names_the_problem(json.loads(last_line), variable, value, allowed)


@pytest.mark.usefixtures("fresh_settings")
def test_the_default_secret_in_production_is_refused_in_the_same_format(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PEERPULSE_ENVIRONMENT", "production")
    monkeypatch.delenv("PEERPULSE_SECRET_KEY", raising=False)
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    body = json.loads(result.stderr)
    assert body["error"].startswith("Invalid setting: PEERPULSE_SECRET_KEY is the built-in")
