"""Scale-out: one analysis of N synthetic units with one and with several Celery workers.

``python -m evaluation scaleout [--units 20000] [--workers 1,2]`` writes
``evaluation/reports/scaleout.md`` and ``.json``. Each configuration gets a fresh PostgreSQL
database and an empty Redis database, so nothing is cached between them. The responses are
generated in memory from templates (one sentence each, so one unit each) and inserted directly:
the import is not what is measured. The workers are real ``peerpulse worker`` subprocesses,
started and warmed up (models loaded) before the job is queued; the wall time runs from queueing
the job to the job's end, and each stage is timed from the job's progress messages.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.datasets import REPORTS, ROOT

NAME = "scaleout"
POSTGRES_ADMIN_URL = os.environ.get(
    "PEERPULSE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _stage_starts() -> list[tuple[str, float]]:
    """Each analysis stage with the job progress at which it starts (from the stage list)."""
    from service.analysis.stages import STAGES as ANALYSIS

    total, done, starts = sum(s.weight for s in ANALYSIS), 0.0, []
    for stage in ANALYSIS:
        starts.append((stage.name, round(done / total, 4)))
        done += stage.weight
    return starts


STAGES = _stage_starts()
SUBJECTS = {
    "calendar": [
        "calendar double bookings",
        "overlapping meetings in the diary",
        "scheduling across time zones",
        "meeting room conflicts",
    ],
    "expenses": [
        "the new expense system",
        "rejected receipts",
        "late reimbursements",
        "corporate card reconciliation",
    ],
    "reorg": [
        "the reorganisation",
        "rumoured layoffs",
        "my role being cut",
        "the restructuring consultation",
    ],
    "ai": [
        "drafting emails with Copilot",
        "AI meeting summaries",
        "the new AI assistant",
        "ChatGPT for first drafts",
    ],
    "travel": [
        "booking travel for the board",
        "visa paperwork for trips",
        "last minute flight changes",
        "the travel approval process",
    ],
    "onboarding": [
        "onboarding new starters",
        "laptops not ready on day one",
        "induction packs",
        "access requests for new hires",
    ],
    "workload": [
        "covering for two executives",
        "the growing workload",
        "working late every evening",
        "too many competing priorities",
    ],
    "recognition": [
        "not being recognised",
        "being left out of decisions",
        "no progression path",
        "pay falling behind",
    ],
    "events": [
        "planning the offsite",
        "the annual conference logistics",
        "catering for board dinners",
        "venue bookings for events",
    ],
    "training": [
        "learning Excel properly",
        "the minute-taking course",
        "time for training",
        "mentoring from senior assistants",
    ],
}
OPENERS = [
    "This week",
    "Honestly",
    "Lately",
    "Again",
    "Right now",
    "Every month",
    "As usual",
    "Since the summer",
]
VERBS = [
    "I keep struggling with",
    "I am worried about",
    "I spent hours on",
    "we talked a lot about",
    "I would love help with",
    "I am frustrated by",
    "it went well with",
    "I need advice on",
]
TAILS = [
    "for my manager",
    "across the team",
    "before the board meeting",
    "at month end",
    "with the finance team",
    "in the new office",
    "for the leadership team",
    "during the audit",
    "with remote colleagues",
    "on short notice",
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The suite's command-line options."""
    parser.add_argument("--units", type=int, default=20000, help="synthetic one-sentence answers")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, e.g. 1,2")
    parser.add_argument(
        "--threads",
        default=None,
        help="torch threads per worker, one value or one per --workers entry (default: cores/N)",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="a Redis db to empty")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per analysis")
    parser.add_argument("--reports", default=str(REPORTS), help="output folder")


def synthetic_answers(count: int, *, seed: int = 0) -> list[tuple[str, str]]:
    """``count`` distinct one-sentence answers as (subject, text), from the templates."""
    rng = np.random.default_rng(seed)
    subjects = list(SUBJECTS)
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    while len(out) < count:
        subject = subjects[int(rng.integers(len(subjects)))]
        phrase = SUBJECTS[subject][int(rng.integers(4))]
        parts = [
            OPENERS[int(rng.integers(len(OPENERS)))],
            VERBS[int(rng.integers(len(VERBS)))],
            phrase,
            TAILS[int(rng.integers(len(TAILS)))],
        ]
        text = f"{parts[0]}, {parts[1]} {parts[2]} {parts[3]}"
        if text in seen:  # 10 x 4 x 8 x 8 x 10 = 25,600 combinations; add a week for more
            text = f"{text} in week {int(rng.integers(1, 53))}"
            if text in seen:
                continue
        seen.add(text)
        out.append((subject, text + "."))
    return out


def _populate(url: str, answers: list[tuple[str, str]]) -> int:
    """Insert a community with one free-text question and one response per answer."""
    from service.nlp.embeddings import text_hash
    from service.storage import db
    from service.storage.tables import (
        Answer,
        Community,
        Import,
        Question,
        Respondent,
        Submission,
    )

    engine = db.make_engine(url)
    db.upgrade(engine)
    members = max(50, len(answers) // 10)
    start = datetime(2026, 6, 1, 9, tzinfo=UTC).replace(tzinfo=None)
    with db.transaction(engine, write=True) as session:
        community = Community(slug="bench", name="Benchmark circle")
        session.add(community)
        session.flush()
        upload = Import(
            community_id=community.id,
            filename="synthetic.csv",
            format="csv",
            sha256=uuid.uuid4().hex * 2,
            size_bytes=0,
            rows_read=len(answers),
        )
        question_text = "What's top of mind for you this week?"
        question = Question(
            community_id=community.id,
            text=question_text,
            text_hash=text_hash(question_text),
            kind="free_text",
        )
        roles = ["Executive Assistant", "Office Manager", "Administrative Assistant"]
        people = [
            Respondent(community_id=community.id, key=f"member-{i:06d}", role=roles[i % 3])
            for i in range(members)
        ]
        session.add_all([upload, question, *people])
        session.flush()
        for i, (_subject, text) in enumerate(answers):
            when = start + timedelta(days=7 * (i % 12), minutes=i)
            submission = Submission(
                community_id=community.id,
                respondent_id=people[i % members].id,
                import_id=upload.id,
                source_key=f"synthetic-{i:07d}",
                submitted_at=when,
                channel="survey",
            )
            submission.answers.append(
                Answer(
                    community_id=community.id,
                    respondent_id=people[i % members].id,
                    question_id=question.id,
                    submitted_at=when,
                    channel="survey",
                    text=text,
                )
            )
            session.add(submission)
            if i % 2000 == 1999:
                session.flush()
        community_id = community.id
    engine.dispose()
    return community_id


def _create_database() -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"peerpulse_scaleout_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    from service.storage import db

    db.engine_for.cache_clear()
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def _env(url: str, broker: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPULSE_")}
    env.update(
        PEERPULSE_DATABASE_URL=url,
        PEERPULSE_BROKER_URL=broker,
        PEERPULSE_DATA_DIR=str(data_dir),
        PEERPULSE_DIGEST_SCHEDULER="false",
        NUMBA_CACHE_DIR=str(ROOT / "data" / "numba-cache"),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    return env


def _start_workers(count: int, threads: int, env: dict[str, str], logs: Path) -> list[Any]:
    processes = []
    for index in range(count):
        log = (logs / f"worker-{index}.log").open("wb")
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "service.cli",
                    "worker",
                    "--concurrency=1",
                    f"--threads={threads}",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        log.close()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # the job processes log this once their models are in
        if all(
            "worker ready on" in (logs / f"worker-{i}.log").read_text(errors="replace")
            for i in range(count)
        ):
            return processes
        time.sleep(0.5)
    _stop(processes)
    raise SystemExit(f"workers did not start; see {logs}")


def _stop(processes: list[Any]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _follow(url: str, job_id: str, timeout: float) -> tuple[Any, dict[str, float]]:
    """Poll the job; return it and when (seconds after queueing) each stage began."""
    from service.jobs import store
    from service.storage import db

    engine = db.make_engine(url)
    began: dict[str, float] = {}
    load: list[float] = []  # the machine is shared: how busy it was while the job ran
    start = time.perf_counter()
    try:
        while time.perf_counter() - start < timeout:
            job = store.get(engine, job_id)
            now = time.perf_counter() - start
            load.append(os.getloadavg()[0])
            for name, threshold in STAGES:  # a stage shorter than a poll gets 0 s
                if job.status != "queued" and job.progress >= threshold and name not in began:
                    began[name] = now
            if job.status in ("succeeded", "failed"):
                began["end"] = now
                began["load"] = float(np.mean(load))
                return job, began
            time.sleep(0.2)
    finally:
        engine.dispose()
    raise SystemExit(f"job {job_id} did not finish in {timeout:.0f} s")


JOB_LINE = re.compile(r"Task peerpulse\.run_job\[[^\]]+\] succeeded in")
CHUNK_LINE = re.compile(r"Task peerpulse\.embed_chunk\[[^\]]+\] succeeded in ([\d.]+)s: (\d+)")


def _fanout(logs: Path, count: int) -> list[dict[str, Any]]:
    """Per worker: fan-out chunks run, texts they stored, and seconds spent in them."""
    rows = []
    for index in range(count):
        text = (logs / f"worker-{index}.log").read_text(errors="replace")
        found = [(float(s), int(n)) for s, n in CHUNK_LINE.findall(text)]
        rows.append(
            {
                "worker": index,
                "chunks": len(found),
                "texts_stored": sum(n for _, n in found),
                "seconds": round(sum(s for s, _ in found), 1),
                "ran_job": JOB_LINE.search(text) is not None,
            }
        )
    return rows


def run_configuration(
    answers: list[tuple[str, str]],
    workers: int,
    *,
    threads: int,
    broker: str,
    timeout: float,
    scratch: Path,
) -> dict[str, Any]:
    """One analysis of ``answers`` with ``workers`` warm workers; figures as a dict."""
    import redis

    from service.config import Settings
    from service.jobs import store
    from service.jobs.celery_app import CeleryRunner
    from service.storage import db
    from service.storage.tables import EmbeddingCache, Unit

    logs = scratch / f"workers-{workers}"
    logs.mkdir(parents=True, exist_ok=True)
    redis.Redis.from_url(broker).flushdb()
    url = _create_database()
    processes: list[Any] = []
    try:
        community_id = _populate(url, answers)
        settings = Settings(database_url=url, broker_url=broker, digest_scheduler=False)
        started = time.perf_counter()
        processes = _start_workers(workers, threads, _env(url, broker, scratch), logs)
        warmup = time.perf_counter() - started
        engine = db.make_engine(url)
        job_id, _ = store.create(engine, community_id, "analysis")
        CeleryRunner(settings).submit(job_id)
        job, began = _follow(url, job_id, timeout)
        if job.status != "succeeded":
            raise SystemExit(f"the analysis failed: {job.error}")
        time.sleep(3)  # let the queued fan-out chunks drain, for the per-worker counts
        with db.transaction(engine) as session:
            from sqlalchemy import func, select

            units = session.scalar(select(func.count()).select_from(Unit))
            embedded = session.scalar(select(func.count()).select_from(EmbeddingCache))
        engine.dispose()
    finally:
        _stop(processes)
        _drop_database(url)
        redis.Redis.from_url(broker).flushdb()
    marks = [began.get(name, began["end"]) for name, _ in STAGES] + [began["end"]]
    stages = {name: round(marks[i + 1] - marks[i], 1) for i, (name, _) in enumerate(STAGES)}
    return {
        "workers": workers,
        "threads_per_worker": threads,
        "units": units,
        "texts_embedded": embedded,
        "themes": len(job.result["themes"]),
        "unassigned_share": job.result["unassigned_share"],
        "warmup_s": round(warmup, 1),
        "wall_s": round(began["end"], 1),
        "mean_load_1min": round(began["load"], 2),
        "stages_s": stages,
        "embedding_texts_per_s": round(embedded / stages["embed"], 1) if stages["embed"] else None,
        "fanout": _fanout(logs, workers),
    }


def render(rows: list[dict[str, Any]], units: int, cores: int) -> str:
    """The Markdown report: figures, then how the work spreads over machines."""
    base = rows[0]
    lines = [
        "# Scale-out: one analysis on one and on two Celery workers",
        "",
        f"Generated by `python -m evaluation scaleout --units {units}` on "
        f"{time.strftime('%Y-%m-%d')}, on this shared {cores}-core machine: Redis and PostgreSQL "
        "local, every worker a `peerpulse worker --concurrency=1` subprocess, warmed up (models "
        "loaded) before the job is queued. Each configuration starts from an empty database and "
        "an empty embedding cache. The answers are synthetic (templates over ten subjects, one "
        "sentence each, generated in memory and never stored in the repository). *Mean load* "
        "is the 1-minute load average sampled while the job ran: above the core count, other "
        "processes on the machine competed for the CPU.",
        "",
        "| workers | torch threads each | units | wall (queue to done) | split | embed | score "
        "| fit themes | store & rank | embedding texts/s | speed-up vs row 1 | mean load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        s = r["stages_s"]
        lines.append(
            f"| {r['workers']} | {r['threads_per_worker']} | {r['units']:,} | {r['wall_s']:.0f} s "
            f"| {s['split into units']:.0f} s | {s['embed']:.0f} s | {s['score worries']:.0f} s "
            f"| {s['fit themes (BERTopic)']:.0f} s | {s['quotes, store, rank']:.0f} s "
            f"| {r['embedding_texts_per_s']:,.0f} | {base['wall_s'] / r['wall_s']:.2f}x "
            f"| {r['mean_load_1min']:.1f} |"
        )
    lines += [
        "",
        "Where the embedding chunks ran (fan-out tasks finished up to 3 s after the job; with one "
        "worker they wait behind the job and find nothing left to do):",
        "",
    ]
    for r in rows:
        spread = "; ".join(
            f"worker {f['worker']}{' (ran the job)' if f['ran_job'] else ''}: {f['chunks']} "
            f"chunk task(s), {f['texts_stored']:,} texts stored in {f['seconds']:.0f} s"
            for f in r["fanout"]
        )
        lines.append(f"- {r['workers']} worker(s) x {r['threads_per_worker']} thread(s): {spread}.")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> Path:
    """Run every configuration and write the report."""
    import tempfile

    counts = [int(n) for n in args.workers.split(",")]
    cores = os.cpu_count() or 1
    threads = [int(n) for n in args.threads.split(",")] if args.threads else []
    if len(threads) == 1:
        threads *= len(counts)
    if threads and len(threads) != len(counts):
        raise SystemExit("--threads needs one value, or one per --workers entry")
    answers = synthetic_answers(args.units)
    rows = []
    with tempfile.TemporaryDirectory(prefix="peerpulse-scaleout-") as scratch:
        for index, count in enumerate(counts):
            each = threads[index] if threads else max(1, cores // count)
            print(f"  {count} worker(s), {each} torch thread(s) each ...", flush=True)
            rows.append(
                run_configuration(
                    answers,
                    count,
                    threads=each,
                    broker=args.redis,
                    timeout=args.timeout,
                    scratch=Path(scratch) / str(index),
                )
            )
            print(f"  {rows[-1]}", flush=True)
    reports = Path(args.reports)
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "scaleout.json").write_text(
        json.dumps({"units": args.units, "cores": cores, "runs": rows}, indent=2) + "\n"
    )
    path = reports / "scaleout.md"
    notes = path.read_text().split("\n## ", 1) if path.exists() else []
    text = render(rows, args.units, cores)
    if len(notes) == 2:  # keep the hand-written sections below the generated figures
        text += "\n## " + notes[1]
    path.write_text(text)
    return path
