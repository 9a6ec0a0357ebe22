"""Issue 15, items 2 and 3: names written in lower case after person evidence, service-desk
tickets as business codes, and venues named after people.

Every sentence is written for these tests; none comes from corpora/pii, corpora/pii_dev2 or
corpora/pii_unseen.
"""

from __future__ import annotations

import pytest

from service.config import Settings
from service.privacy.redactor import Redactor

# A given name in lower case after a verb of addressing, a greeting, a role, "X and I" or a
# reporting verb, and a lower-case surname after it.
LOWER_CASE_NAMES = [
    ("i asked priya to book the room", "i asked [PERSON] to book the room"),
    ("then told kwame the rota moved", "then told [PERSON] the rota moved"),
    ("hi dmitri, can you check the list?", "hi [PERSON], can you check the list?"),
    ("thanks to ngozi okafor for the notes", "thanks to [PERSON] for the notes"),
    ("paired with svetlana on the export", "paired with [PERSON] on the export"),
    ("rahul said he would cover reception", "[PERSON] said he would cover reception"),
    ("ingrid and i finished the seating plan", "[PERSON] and i finished the seating plan"),
    ("my manager ifeoma was out all week", "my manager [PERSON] was out all week"),
    # a name that is also a word, right after a verb of asking: no modal can stand there
    ("i asked will to help and he did", "i asked [PERSON] to help and he did"),
]

# Lower-case words after the same cues that are words, not names, stay.
LOWER_CASE_WORDS = [
    "we asked, will the budget stretch that far?",
    "can i ask may i leave early",
    "told them the news on friday",
    "thanks to everyone for the notes",
    "paired with finance on the export",
    "hi all, can you check the list?",
]

# Service-desk tickets, changes and contracts are about no person: they stay.
TICKETS = [
    "Raised INC0048812 for the broken projector.",
    "RITM0077341 is still waiting for approval.",
    "Change CHG0031207 goes out tonight.",
    "Contract MSA-2031-0077 was renewed.",
    "Vendor VN-55012 sent the wrong invoice.",
]

# Venues named after people, on review-like text.
VENUES = [
    "We ended up at Bruno's Pizza near the station.",
    "Try Marguerite's Bistro for lunch.",
    "Chiamaka is a great place for a team lunch.",
]


@pytest.mark.parametrize(
    ("text", "expected"), LOWER_CASE_NAMES, ids=[c[0] for c in LOWER_CASE_NAMES]
)
def test_a_name_in_lower_case_after_person_evidence_is_redacted(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact([text])[0].text == expected


@pytest.mark.parametrize("text", LOWER_CASE_WORDS)
def test_lower_case_words_after_a_cue_stay(redactor: Redactor, text: str) -> None:
    assert redactor.redact([text])[0].text == text


@pytest.mark.parametrize("text", TICKETS)
def test_tickets_and_contracts_stay(redactor: Redactor, text: str) -> None:
    assert redactor.redact([text])[0].text == text


def test_ticket_prefixes_are_on_the_default_allow_list() -> None:
    prefixes = set(Settings(environment="test").privacy.id_allow_prefixes)
    assert {"INC", "RITM", "REQ", "CHG"} <= prefixes


def test_a_case_about_a_person_is_still_an_id(redactor: Redactor) -> None:
    text = "Badge X-40172 and HR case HR-2031-00412 belong to the same person."
    assert redactor.redact([text])[0].text == (
        "Badge [ID] and HR case [ID] belong to the same person."
    )


@pytest.mark.parametrize("text", VENUES)
def test_a_venue_named_after_a_person_stays(redactor: Redactor, text: str) -> None:
    assert redactor.redact([text])[0].text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chiamaka is a great mentor for new hires.", "[PERSON] is a great mentor for new hires."),
        ("Drinks at Bruno's on Friday.", "Drinks at [PERSON]'s on Friday."),
        ("Bruno's laptop is at the front desk.", "[PERSON]'s laptop is at the front desk."),
        # Regression (review): "in a bad place" is a person's state, not a venue.
        (
            "Maria is in a really bad place since the reorg.",
            "[PERSON] is in a really bad place since the reorg.",
        ),
        (
            "Dmitri is in a tough spot with his manager.",
            "[PERSON] is in a tough spot with his manager.",
        ),
    ],
)
def test_the_same_names_as_people_are_still_redacted(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact([text])[0].text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "We want to thank Chiamaka and Grace for the dinner.",
            "We want to thank [PERSON] and [PERSON] for the dinner.",
        ),
        (
            "Thanks to Priyanka and Hope for the slides.",
            "Thanks to [PERSON] and [PERSON] for the slides.",
        ),
    ],
)
def test_a_word_name_listed_with_a_person_is_a_person(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact([text])[0].text == expected


def test_a_month_before_a_listed_name_stays(redactor: Redactor) -> None:
    text = "In May, Chiamaka takes over the calendar."
    assert redactor.redact([text])[0].text == "In May, [PERSON] takes over the calendar."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Will from payroll fixed my timesheet.", "[PERSON] from payroll fixed my timesheet."),
        ("Bill in facilities ordered the chairs.", "[PERSON] in facilities ordered the chairs."),
        ("please stop cc'ing svetlana on this", "please stop cc'ing [PERSON] on this"),
        ("me and ingrid moved the desks", "me and [PERSON] moved the desks"),
    ],
)
def test_names_found_on_the_second_dev_set_shapes(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact([text])[0].text == expected


@pytest.mark.parametrize(
    "text", ["I raised ticket #60417 about the lift.", "Service request SR-40172 was closed."]
)
def test_ticket_numbers_after_ticket_or_with_sr_stay(redactor: Redactor, text: str) -> None:
    assert redactor.redact([text])[0].text == text
