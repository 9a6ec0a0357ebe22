"""The pre-check that lets plain English skip the spaCy pipeline changes no redaction."""

from __future__ import annotations

import pytest

from service.privacy.redactor import Redactor

PLAIN = [
    "The board pack went out on time.",
    "Nothing",
    "All good, thanks. The diary is under control!",
    "I didn't get to the expenses; we're short of time.",
    "too many meetings and not enough time for the papers",
]
NOT_PLAIN = [
    "Priya sorted the travel approvals for me",  # a given name
    "spoke to aisha about the rota",  # a lower-case name that is no English word
    "thanks to will for the cover",  # a name that is also a word
    "Good chat with Best about the budget",  # a capital inside the sentence
    "call me on 07700 900123",  # digits
    "write to tom at corp dot example",  # the gazetteer's word
    "see example.com for the form",  # a dot inside a word
    "Zoë covered the desk",  # a letter beyond ASCII
    "Best regards, the team",  # a capitalised surname that is also a word
    "mail sales dot team at acme dot com",  # an address spelt out, all of it English words
]


@pytest.fixture
def checked(redactor: Redactor) -> Redactor:
    redactor.precheck, redactor.skipped = True, 0
    yield redactor
    redactor.precheck, redactor.skipped = True, 0


def test_plain_answers_skip_the_pipeline_and_others_do_not(checked: Redactor) -> None:
    gazetteer = frozenset({"tom"})
    assert [checked._plain(t, gazetteer) for t in PLAIN] == [True] * len(PLAIN)
    assert [checked._plain(t, gazetteer) for t in NOT_PLAIN] == [False] * len(NOT_PLAIN)
    checked.redact(PLAIN + NOT_PLAIN, gazetteer)
    assert checked.skipped == len(PLAIN)


def test_the_redaction_is_the_same_with_and_without_the_precheck(checked: Redactor) -> None:
    texts = PLAIN + NOT_PLAIN
    gazetteer = frozenset({"tom"})
    with_check = checked.redact(texts, gazetteer)
    checked.precheck = False
    without = checked.redact(texts, gazetteer)
    assert [(r.text, r.spans) for r in with_check] == [(r.text, r.spans) for r in without]
    redacted = " ".join(r.text for r in with_check)
    assert "Priya" not in redacted and "aisha" not in redacted and "07700" not in redacted
