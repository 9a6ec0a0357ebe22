"""Theme labels from noun and verb phrases, on the real spaCy parser and MiniLM."""

from __future__ import annotations

import numpy as np
import pytest

from evaluation.coding_metrics import label_problems
from service.modelstore import ModelStore
from service.themes.labelling import FALLBACK, unique_labels
from service.themes.phrases import candidate_spans, prepare
from service.themes.representation import BERTopicRepresentation

EXPENSES = [
    "The new expense system rejects half of my receipts.",
    "Uploading receipts to the expense system takes forever.",
    "The expense system logs me out every ten minutes.",
    "Nobody trained us on the new expense system.",
    "Expense claims bounce back because the system wants PDFs.",
    "I keep a spreadsheet because the expense system loses receipts.",
]
DESKS = [
    "There are never enough desks on anchor days.",
    "Desk booking opens at midnight and everything goes in minutes.",
    "The meeting rooms are double booked every Tuesday.",
    "We lost two meeting rooms in the office move.",
    "Desk booking is a fight every Monday morning.",
    "Hot desks mean I carry my whole office in a bag.",
]
RESTRUCTURE = [
    "The restructure announcement came with no detail about job security.",
    "Since the restructure announcement everyone fears for their jobs.",
    "Job security is all anyone talks about after the restructure.",
    "The restructure announcement was made by email on a Friday.",
    "HR cannot tell us what the restructure means for our jobs.",
    "I worry about job security since the restructure was announced.",
]
FRAGMENTS = ["Not great.", "Meh.", "So so.", "Could be worse.", "Fine I guess.", "Trying not to."]


def _represent(models: ModelStore, groups: list[list[str]]) -> dict[str, str]:
    """The label of each group's theme, keyed by the group's first text."""
    texts = [t for group in groups for t in group]
    assignments = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    representation = BERTopicRepresentation(
        lexicon=models.theme_lexicon, embedder=models.embedder, phrase_nlp=models.phrase_parser
    )
    words = representation.represent(texts, models.embedder.embed(texts), assignments)
    start = np.cumsum([0] + [len(g) for g in groups])[:-1]
    return {
        group[0]: words.labels[words.assignments[s]] for group, s in zip(groups, start, strict=True)
    }


def _problems(models: ModelStore, labels: list[str]) -> list[list[str]]:
    nlp = models.phrase_parser
    return label_problems(labels, lambda text: [(t.text, t.pos_, t.is_stop) for t in nlp(text)])


@pytest.fixture(scope="module")
def workplace_labels(models: ModelStore) -> dict[str, str]:
    return _represent(models, [EXPENSES, DESKS, RESTRUCTURE])


@pytest.mark.parametrize(
    ("group", "subject"),
    [(EXPENSES, {"expense"}), (DESKS, {"desk", "room"}), (RESTRUCTURE, {"restructure", "job"})],
)
def test_label_names_the_subject(workplace_labels, group: list[str], subject: set[str]) -> None:
    label = workplace_labels[group[0]].lower()
    assert any(word in label for word in subject), label
    assert 2 <= len(label.split()) <= 6


def test_labels_pass_the_rule_check(models: ModelStore, workplace_labels) -> None:
    labels = list(workplace_labels.values())
    assert _problems(models, labels) == [[], [], []]


def test_a_theme_split_in_two_gets_two_labels(models: ModelStore) -> None:
    labels = _represent(models, [EXPENSES[:3], EXPENSES[3:], DESKS])
    assert len(set(labels.values())) == 3
    assert all(problems == [] for problems in _problems(models, list(labels.values())))


def test_fragments_get_no_lone_function_word(models: ModelStore) -> None:
    labels = _represent(models, [FRAGMENTS, EXPENSES])
    problems = _problems(models, [labels[FRAGMENTS[0]]])[0]
    assert "lone function word/number/weekday" not in problems
    assert labels[FRAGMENTS[0]] != labels[EXPENSES[0]]


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("We lost [PERSON] and two meeting rooms on Monday.", ["meeting rooms"]),
        ("Building his first 30-day schedule.", ["schedule", "Building schedule"]),
        (
            "Also planning the holiday party, already.",
            ["holiday party", "planning the holiday party"],
        ),
        ("It was a lot of stuff.", []),
        ("ERP ERP ERP. Since November.", []),
    ],
)
def test_candidates_are_phrases_without_function_words_or_numbers(
    models: ModelStore, text: str, phrases: list[str]
) -> None:
    doc = models.phrase_parser(prepare(text))
    found = [" ".join(t.text for t in span) for span in candidate_spans(doc, models.theme_lexicon)]
    assert sorted(found) == sorted(phrases)


def test_unique_labels_give_the_larger_theme_its_first_choice() -> None:
    options = [
        ["Expense system", "Receipts"],
        ["Expense system", "Expense claims"],
        ["Expense system"],
    ]
    labels = unique_labels(options, order=[1, 0, 2])
    assert labels == ["Receipts", "Expense system", "Expense system (2)"]


ONE_OFFS = [
    "Planning the lottery syndicate for the finance floor.",
    "My quarterly vendor audit slipped again.",
    "The parking permit renewal confused everyone.",
    "Our printer firmware update bricked two machines.",
    "Learning shorthand for the board minutes.",
    "Booking the caterer for the retirement lunch.",
]


def test_a_theme_of_one_off_answers_takes_no_phrase_only_one_answer_wrote(
    models: ModelStore,
) -> None:
    # Viewers read labels: a phrase of several words from one answer would be that answer's words.
    label = _represent(models, [ONE_OFFS, EXPENSES, DESKS])[ONE_OFFS[0]].lower()
    if label == FALLBACK.lower():  # nothing the answers share: said as it is
        return
    for part in label.split(" and "):
        if len(part.split()) > 1:
            assert sum(part in text.lower() for text in ONE_OFFS) >= 2, label


def test_a_misspelt_word_written_once_never_reaches_a_label(models: ModelStore) -> None:
    # "wrokload" and "eitehr" are each written once; "workload" by every answer
    workload = [
        "My workload doubled since the merger and nobody noticed.",
        "The workload is unmanageable with two executives to support.",
        "Workload keeps growing while the team shrinks.",
        "I cannot keep up with the wrokload on month end.",
        "Workload and overtime are eitehr ignored or praised.",
        "Our workload went up when the assistant left.",
    ]
    label = _represent(models, [workload, EXPENSES, DESKS])[workload[0]].lower()
    assert "wrokload" not in label and "eitehr" not in label
    assert "workload" in label


def test_a_negated_auxiliary_in_capitals_is_no_phrase(models: ModelStore) -> None:
    doc = models.phrase_parser(prepare("I DIDN'T chair the board meeting."))
    found = [" ".join(t.text for t in span) for span in candidate_spans(doc, models.theme_lexicon)]
    assert not any("DIDN'T" in phrase for phrase in found), found


def test_words_written_twice_are_counted_by_distinct_texts() -> None:
    from service.themes.labelling import written_twice

    known = written_twice(["Workload up.", "workload, again", "wrokload", "wrokload"])
    assert "workload" in known and "wrokload" not in known  # the same text twice counts once


def test_a_phrase_never_pairs_with_its_own_plural() -> None:
    """The coding report's "EA and EAs": the lexicon does not make "EAs" singular."""
    from service.themes.labelling import _partner, _Scored
    from service.themes.phrases import Phrase

    def scored(text: str, key: tuple[str, ...], score: float, vector: list[float]) -> _Scored:
        return _Scored(Phrase(key, text, 3), score, np.array(vector))

    lead = scored("EA", ("ea",), 0.9, [1.0, 0.0])
    plural = scored("EAs", ("eas",), 0.85, [0.0, 1.0])
    other = scored("board pack", ("board", "pack"), 0.6, [0.0, 1.0])
    assert _partner(lead, [lead, plural, other]) is other
    assert _partner(lead, [lead, plural]) is None
