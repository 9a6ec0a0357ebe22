"""Sentence units and non-answers."""

from __future__ import annotations

import pytest

from service.nlp.units import is_non_answer, normalise, split_units


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "-",
        "--",
        "...",
        "???",
        "n/a",
        "N/A",
        "N.A.",
        "na",
        "NA.",
        "none",
        "None.",
        "nothing",
        "Nothing this week",
        "nothing this week, thanks!",
        "No comment",
        "no comments.",
        "Nothing to add",
        "nothing to add at this time, thank you",
        "All good",
        "all good!",
        "Not really",
        "Not really, thanks",
        "nope",
        "idk",
        "I don\u2019t know",
        "same as last week",
        "Nothing else to add for now",
        "\u2014",
        None,
    ],
)
def test_non_answers_are_recognised(text: str | None) -> None:
    assert is_non_answer(text)


@pytest.mark.parametrize(
    "text",
    [
        "None of the sessions started on time.",
        "All good except the calendar, which double books the room.",
        "Not really sure the new rota works for part-time staff.",
        "Nothing this week was as useful as the budgeting workshop.",
        "No comment from finance on the late reimbursements yet",
        "N/A for me, but my team struggled with the VPN.",
        "Calendar clashes",
        "The onboarding buddy system helped a lot",
    ],
)
def test_real_answers_containing_non_answer_words_are_kept(text: str) -> None:
    assert not is_non_answer(text)


def test_normalise_folds_punctuation_case_and_quotes() -> None:
    assert normalise("  N/A\u2019s  ") == "n a's"


def test_split_units_splits_sentences_lines_and_bullets(sentence_nlp) -> None:
    answer = (
        "The calendar is a mess. We double booked the boardroom twice this week.\n"
        "- too many meetings on Mondays\n"
        "* onboarding was great for the new analysts"
    )
    assert split_units([answer], sentence_nlp) == [
        [
            "The calendar is a mess.",
            "We double booked the boardroom twice this week.",
            "too many meetings on Mondays",
            "onboarding was great for the new analysts",
        ]
    ]


def test_short_fragments_merge_into_a_neighbour(sentence_nlp) -> None:
    units = split_units(
        ["Thanks! The rota finally works for part-time staff. Great.", "Calendar clashes"],
        sentence_nlp,
    )
    assert units == [
        ["Thanks! The rota finally works for part-time staff. Great."],
        ["Calendar clashes"],
    ]


def test_non_answers_give_no_units_and_order_is_kept(sentence_nlp) -> None:
    texts = [
        "n/a",
        "The VPN drops every afternoon at home.",
        "",
        "Nothing this week",
        "Expense claims take months to be paid. Nothing else.",
    ]
    assert split_units(texts, sentence_nlp) == [
        [],
        ["The VPN drops every afternoon at home."],
        [],
        [],
        ["Expense claims take months to be paid."],
    ]


def test_empty_input_gives_empty_output(sentence_nlp) -> None:
    assert split_units([], sentence_nlp) == []


def test_placeholders_are_not_split_by_an_invented_space(sentence_nlp) -> None:  # noqa: ANN001
    """Regression: units read "[ PERSON]" after the splitter cut inside a placeholder."""
    text = "I met [PERSON] at [ADDRESS] and we planned the offsite. [PERSON] agreed."
    units = split_units([text], sentence_nlp)[0]
    joined = " ".join(units)
    assert "[ PERSON]" not in joined and "[PERSON" in joined
    assert joined.count("[PERSON]") == 2 and "[ADDRESS]" in joined


@pytest.mark.parametrize(
    "text", ["7", "10+", "2-3", "Me too.", "Again.", "So so.", "Same as always."]
)
def test_answers_without_a_content_word_give_no_unit(sentence_nlp, text: str) -> None:  # noqa: ANN001
    """Regression (issue 18): a bare number or "Me too." became a unit and was themed alone."""
    assert split_units([text], sentence_nlp) == [[]]


def test_sentence_without_a_content_word_merges_into_its_neighbour(sentence_nlp) -> None:  # noqa: ANN001
    """Regression: "I'd rather it wasn't." (four words, no content word) was a unit of its own."""
    units = split_units(
        ["The restructure is coming. I'd rather it wasn't. Again and again and again."],
        sentence_nlp,
    )
    assert units == [
        ["The restructure is coming. I'd rather it wasn't. Again and again and again."]
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Budgets.",
        "Workload",
        "The reorg",
        "Not great.",
        "I'm done.",
        "I can't keep doing this.",
        "Up at 3am again.",
        "Thanks [PERSON]!",
        "others who've been through it",
    ],
)
def test_short_answers_with_a_content_word_keep_their_unit(sentence_nlp, text: str) -> None:  # noqa: ANN001
    assert split_units([text], sentence_nlp) == [[text]]


def test_fragment_with_a_content_word_still_merges_as_before(sentence_nlp) -> None:  # noqa: ANN001
    units = split_units(["Covering two desks since August. Not great."], sentence_nlp)
    assert units == [["Covering two desks since August. Not great."]]


def test_merged_sentence_after_a_double_space_keeps_a_space(sentence_nlp) -> None:  # noqa: ANN001
    """Regression: "card.  It isn't here." merged into "card.It isn't here." (space lost)."""
    units = split_units(["I ordered my new card.  What should I do?"], sentence_nlp)
    assert units == [["I ordered my new card. What should I do?"]]
