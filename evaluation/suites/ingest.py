"""Ingest speed: responses/s and peak memory of a Google Forms import, new code beside the old.

``python -m evaluation ingest [--sizes 1000,10000] [--with-90k] [--baseline-max 10000]`` writes
``evaluation/reports/ingest.md`` and ``.json``. Exports of weekly check-ins are generated
(``evaluation/ingest_data.py``) under ``data/eval-cache/ingest``. Each import runs in a fresh
child process on a fresh SQLite database, the way ``peerpulse ingest`` runs it: the redactor is
loaded first (timed apart), then ``service.intake.run_import`` reads, redacts and stores the
file. Peak memory is the child's peak resident set (``ru_maxrss``, the spaCy pipeline included).

Runs per size, in the same invocation:
- **new**: the working tree's code, embedded, ``PEERPULSE_REDACTION_PROCESSES=0``: a pool of
  child processes (one per core) redacts while the importing process reads and stores; peak
  memory is the importing process and, apart, the largest child;
- **single**: the same code with ``PEERPULSE_REDACTION_PROCESSES=1``: the importing process
  redacts alone (the embedded mode before the pool);
- **workers**: the working tree's code with a broker: two ``peerpulse worker`` processes (one
  thread each) redact the chunks (``evaluation/ingest_workers.py``), on a fresh PostgreSQL
  database (workers refuse SQLite); peak memory is the import's process plus both workers;
- **prev**: the code of ``--prev-ref`` (streaming ingest before this pass's redaction speed-up),
  embedded;
- **old**: the code of ``--baseline-ref`` (the last commit before streaming ingest), extracted
  with ``git archive`` and put first on the child's path; skipped above ``--baseline-max`` rows
  (at 90,000 rows it ran past 15 minutes and 3 GB);
- **plain nlp.pipe**: the issue's baseline, the full ``en_core_web_sm`` pipeline over the same
  free-text answers with ``nlp.pipe(batch_size=256)``, nothing stored (the cost of NLP alone).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from evaluation import ingest_workers
from evaluation.datasets import REPORTS, ROOT
from evaluation.ingest_data import QUESTIONS, write_export

NAME = "ingest"
BASELINE_REF = "b3ba613"  # main before streaming ingest (issue 21)
PREV_REF = "bed8ffa"  # streaming ingest, before the pre-check and the fan-out (issue 21)
CACHE = ROOT / "data" / "eval-cache" / "ingest"
FREE_TEXT_COLUMNS = (3, 4, 7)  # went well, got in the way, anything to raise


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Command-line options of the suite."""
    parser.add_argument("--sizes", default="1000,10000", help="rows per export, comma-separated")
    parser.add_argument("--with-90k", action="store_true", help="add a 90,000-row export")
    parser.add_argument(
        "--baseline-max", type=int, default=10_000, help="largest size the old code runs on"
    )
    parser.add_argument(
        "--plain-max", type=int, default=10_000, help="largest size the plain pipeline runs on"
    )
    parser.add_argument("--baseline-ref", default=BASELINE_REF)
    parser.add_argument("--prev-ref", default=PREV_REF)
    parser.add_argument(
        "--new-ref",
        default=None,
        help="run new and workers on this commit's code (default: the working tree)",
    )
    parser.add_argument(
        "--runs",
        default="new,single,workers,prev,old,plain",
        help="which runs, comma-separated",
    )
    parser.add_argument("--out", default=str(REPORTS / "ingest"), help="report path, no suffix")


def run(args: argparse.Namespace) -> Path:
    """Generate the exports, time each run in a child process and write the report."""
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.with_90k and 90_000 not in sizes:
        sizes.append(90_000)
    runs = [r for r in args.runs.split(",") if r]
    codes = {
        "old": _baseline_code(args.baseline_ref) if "old" in runs else None,
        "prev": _baseline_code(args.prev_ref) if "prev" in runs else None,
    }
    if args.new_ref:  # a snapshot: other edits of the working tree do not reach the runs
        commit = subprocess.run(
            ["git", "rev-parse", "--short", args.new_ref],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        codes["new"] = codes["workers"] = _baseline_code(commit)
    rows: list[dict[str, Any]] = []
    for size in sizes:
        path = CACHE / f"google_forms_{size}.csv"
        if not path.exists():
            write_export(path, size)
        for name in runs:
            if (name == "old" and size > args.baseline_max) or (
                name == "plain" and size > args.plain_max
            ):
                continue
            result = _run_child(name, path, size, codes.get(name))
            print(json.dumps(result), flush=True)
            rows.append(result)
    out = Path(args.out)
    out.with_suffix(".json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(_report(rows, args), encoding="utf-8")
    return out.with_suffix(".md")


def _baseline_code(ref: str) -> Path:
    """The ``service`` package as it was at ``ref``, extracted once under the cache."""
    target = CACHE / f"code-{ref}"
    if not (target / "service").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", ref, "service"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    if not (target / "models").exists():  # trained artifacts the workers load, found by path
        (target / "models").symlink_to(ROOT / "models")
    return target


def _run_child(name: str, path: Path, size: int, code: Path | None) -> dict[str, Any]:
    spec = {"run": name, "path": str(path), "rows": size}
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as work:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPULSE_")}
        env.update(
            PYTHONPATH=os.pathsep.join([str(code or ROOT), str(ROOT)]),
            PEERPULSE_DATABASE_URL=f"sqlite:///{work}/bench.db",
            PEERPULSE_DATA_DIR=work,
            HF_HUB_OFFLINE="1",
        )
        env["PEERPULSE_REDACTION_PROCESSES"] = "1" if name == "single" else "0"
        if name != "workers":
            return spec | _timed_child(spec, env, work)
        with ingest_workers.database() as url:
            env.update(
                PEERPULSE_DATABASE_URL=url,
                PEERPULSE_BROKER_URL=ingest_workers.REDIS,
                PEERPULSE_ENVIRONMENT="test",
                PEERPULSE_SECRET_KEY="ingest-benchmark-secret-key-0123456789-abcdef",
            )
            workers = ingest_workers.Workers(env, Path(work), cwd=code or ROOT)
            try:
                started = workers.start()
                result = _timed_child(spec, env, work)
                worker_mb = workers.peak_rss_mb()
            finally:
                workers.stop()
        return spec | result | {"workers_start_seconds": round(started, 1), "workers_mb": worker_mb}


def _timed_child(spec: dict[str, Any], env: dict[str, str], work: str) -> dict[str, Any]:
    # Run this module alone: the other suites import today's service package.
    command = [sys.executable, "-m", "evaluation.suites.ingest", json.dumps(spec)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{spec['run']} on {spec['path']} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result | {"process_seconds": round(wall, 1)}


def _child(spec: dict[str, Any]) -> None:
    """One run in this fresh process; prints one JSON line."""
    from service.config import get_settings

    settings = get_settings()
    path = Path(spec["path"])
    started = time.perf_counter()
    if spec["run"] == "plain":
        result = _plain_pipe(path, settings.spacy_model, started)
    else:
        result = _import(
            path, settings, started, rows=spec["rows"], workers=spec["run"] == "workers"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest child
    print(json.dumps(result | {"peak_rss_mb": round(peak), "child_peak_mb": round(child)}))


def _import(
    path: Path, settings: Any, started: float, *, rows: int, workers: bool
) -> dict[str, Any]:
    from service.intake import run_import
    from service.modelstore import ModelStore
    from service.privacy.pool import processes_for
    from service.storage import db

    engine = db.engine_for(settings.database_url)
    db.upgrade(engine)
    extra: dict[str, Any] = {}
    if workers:  # the workers redact; this process loads no model
        from service.jobs.celery_app import redaction_fan_out

        extra = {"redactor": None, "fan_out": redaction_fan_out(settings)}
    else:
        extra = {"redactor": ModelStore(settings).redactor}
    loaded = time.perf_counter()
    summary = run_import(
        engine,
        settings,
        slug="bench",
        data=path.read_bytes(),
        filename=path.name,
        create_community=True,
        **extra,
    )
    seconds = time.perf_counter() - loaded
    return {
        "load_seconds": round(loaded - started, 1),
        "import_seconds": round(seconds, 1),
        "responses_per_s": round(summary["responses_added"] / seconds, 1),
        "responses_added": summary["responses_added"],
        "warnings": summary["warnings"],
        "processes": 0 if workers else processes_for(settings.redaction_processes, rows),
    }


def _plain_pipe(path: Path, model: str, started: float) -> dict[str, Any]:
    import spacy

    nlp = spacy.load(model)
    loaded = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    texts = [row[i] for row in rows for i in FREE_TEXT_COLUMNS if row[i]]
    for _ in nlp.pipe(texts, batch_size=256):
        pass
    seconds = time.perf_counter() - loaded
    return {
        "load_seconds": round(loaded - started, 1),
        "import_seconds": round(seconds, 1),
        "responses_per_s": round(len(rows) / seconds, 1),
        "texts": len(texts),
        "distinct_texts": len(set(texts)),
        "texts_per_s": round(len(texts) / seconds, 1),
    }


def _report(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    names = {
        "new": "new, embedded (redaction pool)",
        "single": "new, embedded, one process",
        "workers": "new, two workers",
        "prev": f"previous ({args.prev_ref})",
        "old": f"old ({args.baseline_ref})",
        "plain": "plain nlp.pipe, full pipeline",
    }
    lines = [
        "# Ingest speed and memory",
        "",
        f"`python -m evaluation ingest --sizes {args.sizes}"
        f"{' --with-90k' if args.with_90k else ''}`, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores (shared).",
        "Generated Google Forms exports of weekly check-ins (8 columns: timestamp, e-mail, a 1-5 "
        "rating, three free-text questions, a checkbox question, a role); about 3 answers in 100 "
        "carry personal data. Each run is a fresh process on a fresh SQLite database (the "
        "workers run: PostgreSQL, which workers need); the model load (the workers' start) is "
        "timed apart. Responses/s is responses stored over import time (reading, redaction, "
        "storage); peak memory is the process's peak resident set, model included; the last "
        "column is the two workers' peaks for the workers run (each loads every model a worker "
        "uses) and, for a run with a redaction pool, its processes x the largest child's peak.",
        "",
        "| rows | MiB | run | import s | responses/s | load s | peak RSS MB | workers MB |",
        "|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        size_mib = Path(row["path"]).stat().st_size / 2**20
        lines.append(
            f"| {row['rows']:,} | {size_mib:.1f} | {names[row['run']]} | {row['import_seconds']} | "
            f"{row['responses_per_s']:,} | {row.get('workers_start_seconds', row['load_seconds'])} "
            f"| {row['peak_rss_mb']:,} | {_others(row)} |"
        )
    plain = [r for r in rows if r["run"] == "plain"]
    if plain:
        lines += ["", "Free-text answers per export (the plain pipeline's input):", ""]
        lines += [
            f"- {r['rows']:,} rows: {r['texts']:,} answers, {r['distinct_texts']:,} distinct "
            f"({r['texts_per_s']:,} texts/s through the full pipeline)"
            for r in plain
        ]
    lines += ["", f"Questions: {'; '.join(QUESTIONS)}.", ""]
    return "\n".join(lines)


def _others(row: dict[str, Any]) -> str:
    """The other processes' memory: the workers', or the redaction pool's children."""
    if "workers_mb" in row:
        return f"{row['workers_mb']:,}"
    if row.get("processes", 0) > 1:
        return f"{row['processes']} x {row['child_peak_mb']:,}"
    return ""


if __name__ == "__main__":
    _child(json.loads(sys.argv[1]))
