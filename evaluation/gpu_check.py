"""The GPU check behind ``evaluation/gpu_check.sh``: embedding speed in float32 and half
precision, top-10 neighbour agreement of half with float32, and one analysis of N units.

``python -m evaluation.gpu_check [--device auto|cuda|cpu] [--sizes 10000,100000]`` writes
``evaluation/reports/gpu.md`` and ``.json``. Texts are the scale-out suite's synthetic one-sentence
answers. For each size the bundled all-MiniLM-L6-v2 encodes the texts in float32, then the same
model cast to half precision (float16) encodes them again; agreement is the mean share of each
query's ten nearest neighbours (cosine, among all texts of the size, up to 2,000 queries) that
half precision keeps. The analysis runs in this process on a fresh SQLite database (the
embedded mode), on the largest size, with ``PEERPULSE_EMBEDDING_DEVICE`` set to the device.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.datasets import REPORTS
from evaluation.suites.scaleout import _populate, synthetic_answers

_QUERIES = 2_000


def main(argv: list[str] | None = None) -> Path:
    """Parse the options, measure, and write the report."""
    parser = argparse.ArgumentParser(prog="python -m evaluation.gpu_check", description=__doc__)
    parser.add_argument("--device", default="auto", choices=["auto", "cuda", "cpu"])
    parser.add_argument("--sizes", default="10000,100000", help="texts per measurement")
    parser.add_argument("--no-analysis", action="store_true", help="embedding figures only")
    parser.add_argument("--out", default=str(REPORTS / "gpu"), help="report path, no suffix")
    args = parser.parse_args(argv)
    from service.nlp.embeddings import resolve_device

    device = resolve_device(args.device)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    texts = [text for _, text in synthetic_answers(max(sizes))]
    figures: dict[str, Any] = {"device": device, "machine": _machine(device), "sizes": sizes}
    figures["embedding"] = [_embedding(texts[:size], device) for size in sizes]
    if not args.no_analysis:
        figures["analysis"] = _analysis(max(sizes), device)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    shown = sys.argv[1:] if argv is None else argv
    out.with_suffix(".md").write_text(_report(figures, shown), encoding="utf-8")
    return out.with_suffix(".md")


def _machine(device: str) -> str:
    import torch

    cores = f"{len(os.sched_getaffinity(0))} cores"
    if device == "cuda":
        return f"{torch.cuda.get_device_name(0)}, {cores}, torch {torch.__version__}"
    return f"{platform.processor() or platform.machine()}, {cores}, torch {torch.__version__}"


def _embedding(texts: list[str], device: str) -> dict[str, Any]:
    """Texts/s in float32 and half precision and the top-10 agreement of half with float32."""
    from sentence_transformers import SentenceTransformer

    from service.nlp.embeddings import bundled_model_path

    model = SentenceTransformer(str(bundled_model_path()), device=device, local_files_only=True)
    row: dict[str, Any] = {"texts": len(texts)}
    full, row["float32_texts_per_s"] = _encode(model, texts)
    try:
        half, row["half_texts_per_s"] = _encode(model.half(), texts)
    except RuntimeError as exc:  # a CPU build without float16 kernels
        row["half_error"] = str(exc)[:200]
        return row
    row["top10_agreement"] = round(_agreement(full, half), 4)
    return row


def _encode(model: Any, texts: list[str]) -> tuple[np.ndarray, float]:
    model.encode(texts[:64], batch_size=64)  # warm-up: kernels, allocator
    started = time.perf_counter()
    vectors = model.encode(texts, batch_size=256, normalize_embeddings=True, convert_to_numpy=True)
    seconds = time.perf_counter() - started
    return np.asarray(vectors, dtype=np.float32), round(len(texts) / seconds, 1)


def _agreement(full: np.ndarray, half: np.ndarray, k: int = 10) -> float:
    """Mean share of each query's k nearest neighbours (itself left out) kept by ``half``."""
    queries = np.linspace(0, len(full) - 1, min(_QUERIES, len(full))).astype(int)
    half = half / np.linalg.norm(half, axis=1, keepdims=True)
    kept = []
    for start in range(0, len(queries), 256):
        batch = queries[start : start + 256]
        ours = _top(full[batch] @ full.T, batch, k)
        theirs = _top(half[batch] @ half.T, batch, k)
        kept += [len(set(a) & set(b)) / k for a, b in zip(ours, theirs, strict=True)]
    return float(np.mean(kept))


def _top(scores: np.ndarray, rows: np.ndarray, k: int) -> np.ndarray:
    scores[np.arange(len(rows)), rows] = -np.inf  # not its own neighbour
    return np.argpartition(-scores, k, axis=1)[:, :k]


def _analysis(units: int, device: str) -> dict[str, Any]:
    """One analysis of ``units`` one-sentence answers in this process (the embedded mode)."""
    from service.config import Settings
    from service.jobs import store
    from service.jobs.runner import execute
    from service.modelstore import ModelStore
    from service.storage import db

    with tempfile.TemporaryDirectory(prefix="gpu-check-") as work:
        url = f"sqlite:///{work}/gpu.db"
        community_id = _populate(url, synthetic_answers(units))
        settings = Settings(
            database_url=url,
            data_dir=Path(work),
            digest_scheduler=False,
            embedding_device=device,  # type: ignore[arg-type]
        )
        engine = db.make_engine(url)
        models = ModelStore(settings)
        models.embedder.embed(["warm up the encoder"])
        job_id, _ = store.create(engine, community_id, "analysis")
        started = time.perf_counter()
        outcome = execute(engine, models, settings, job_id)
        seconds = time.perf_counter() - started
        job = store.get(engine, job_id)
        engine.dispose()
    return {
        "units": units,
        "outcome": outcome,
        "status": job.status,
        "error": (job.error or "")[:300] or None,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "themes": len((job.result or {}).get("themes", [])),
    }


def _report(figures: dict[str, Any], argv: list[str]) -> str:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# GPU check",
        "",
        f"`{' '.join(['evaluation/gpu_check.sh', *argv])}`,"
        f"{when}, device **{figures['device']}** ({figures['machine']}).",
        "",
        "Embedding (all-MiniLM-L6-v2, batch 256, normalised); agreement is the mean share of a "
        "text's ten nearest neighbours in float32 that half precision keeps (target >= 0.99).",
        "",
        "| texts | float32 texts/s | half texts/s | top-10 agreement |",
        "|---:|---:|---:|---:|",
    ]
    for row in figures["embedding"]:
        half = row.get("half_texts_per_s", f"failed: {row.get('half_error', '')}")
        lines.append(
            f"| {row['texts']:,} | {row['float32_texts_per_s']:,} | {half} | "
            f"{row.get('top10_agreement', '')} |"
        )
    analysis = figures.get("analysis")
    if analysis:
        lines += [
            "",
            f"Analysis of {analysis['units']:,} one-sentence answers in one process (embedded "
            f"mode, SQLite): **{analysis['status']}** in {analysis['seconds']:,} s, peak resident "
            f"memory {analysis['peak_rss_mb']:,} MB (the embedding runs above included), "
            f"{analysis['themes']} themes."
            + (f" Error: {analysis['error']}" if analysis["error"] else ""),
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(f"wrote {main()}")
