"""``evaluation/gpu_check.sh`` on the CPU at a tiny size: it measures and writes its report."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import ROOT


def test_the_gpu_check_runs_on_the_cpu_and_writes_its_report(tmp_path: Path) -> None:
    out = tmp_path / "gpu"
    done = subprocess.run(
        [
            str(ROOT / "evaluation" / "gpu_check.sh"),
            "--device=cpu",
            "--sizes=300",
            "--no-analysis",
            f"--out={out}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(out.with_suffix(".json").read_text())
    assert figures["device"] == "cpu" and figures["sizes"] == [300]
    (row,) = figures["embedding"]
    assert row["texts"] == 300 and row["float32_texts_per_s"] > 0
    # half precision keeps nearly every neighbour of float32 (0.9997 at 1,000 texts)
    assert 0.9 <= row["top10_agreement"] <= 1.0
    report = out.with_suffix(".md").read_text()
    assert "| 300 |" in report and "--device=cpu --sizes=300" in report
