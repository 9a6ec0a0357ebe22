"""The PII redactor on the real spaCy pipeline, plus unit tests of its pattern and name rules.

Sentences here are written for the tests; none is taken from the evaluation set in corpora/pii.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.privacy import names
from service.privacy.patterns import Span, find_patterns
from service.privacy.redactor import Redactor, gazetteer_from, resolve_overlaps

CASES = [
    ("My boss Daniel Whitaker double-booked me again.", "My boss [PERSON] double-booked me again."),
    ("Email me at priya.sharma+pulse@mail.example.org today.", "Email me at [EMAIL] today."),
    ("Call +1 (415) 555-0132 or +44 20 7946 0958.", "Call [PHONE] or [PHONE]."),
    ("My employee ID 4471983 was reset.", "My employee ID [ID] was reset."),
    ("Server 192.0.2.14 and 2001:db8::8a2e:370:7334 were down.", "Server [IP] and [IP] were down."),
    ("Book via https://calendly.com/priya-sharma please.", "Book via [URL] please."),
    ("Email me at bea dot lindqvist at example dot com today.", "Email me at [EMAIL] today."),
    ("Write to jo (at) example dot org.", "Write to [EMAIL]."),
    ("Look at this dot com era story.", "Look at this dot com era story."),
    ("Meh. The week was fine.", "Meh. The week was fine."),  # an interjection, not a name
    (
        "The policy is at https://www.example.com/policy now.",
        "The policy is at https://www.example.com/policy now.",
    ),
    ("We met at 221B Baker Street before lunch.", "We met at [ADDRESS] before lunch."),
    ("She handled it with grace under pressure.", "She handled it with grace under pressure."),
    (
        "In May we moved to Microsoft Teams and Workday.",
        "In May we moved to Microsoft Teams and Workday.",
    ),
    ("Will you join the CFO's offsite?", "Will you join the CFO's offsite?"),
    (
        "May Chen covered reception while Will Turner was out.",
        "[PERSON] covered reception while [PERSON] was out.",
    ),
    (
        "Grace from Finance fixed the Concur export.",
        "[PERSON] from Finance fixed the Concur export.",
    ),
]

# Names: position, script, order and cue rules (positive cases).
NAME_CASES = [
    # a given name at the start of a sentence, with no cue word (tagger says NNP)
    (
        "Wanjiru organised the board pack single-handedly.",
        "[PERSON] organised the board pack single-handedly.",
    ),
    # diacritics, an Irish particle and a hyphenated Korean given name
    ("Aoife Ní Dhomhnaill sent the notes.", "[PERSON] sent the notes."),
    ("Hye-jin Kwon ran the workshop.", "[PERSON] ran the workshop."),
    ("Nomvula Wiśniewska joined the circle.", "[PERSON] joined the circle."),
    # surname first (a known surname followed by a known given name)
    ("Sato Takumi asked for the slides.", "[PERSON] asked for the slides."),
    # a word in no lexicon, in name position after a cue
    ("Ask Quilliam whether the export works.", "Ask [PERSON] whether the export works."),
    ("cc Zorbulon on the travel approvals.", "cc [PERSON] on the travel approvals."),
    # a title stays outside the span, for the lexicon and for the NER model alike
    ("Mr. Okonkwo called twice.", "Mr. [PERSON] called twice."),
    ("Ms Abernathy-Smythe asked for the agenda.", "Ms [PERSON] asked for the agenda."),
    # a name that is also a word, as the subject of a verb
    ("Dawn chaired the call at dawn.", "[PERSON] chaired the call at dawn."),
    ("By June, June will run payroll.", "By June, [PERSON] will run payroll."),
    # a name that is also a place, with a person cue
    ("Jordan said she will cover the phones.", "[PERSON] said she will cover the phones."),
    ("Sunita's Kindle died mid-flight.", "[PERSON]'s Kindle died mid-flight."),
]

# Words that look like names but are places, months, products, roles or interjections.
NOT_A_NAME = [
    "We moved the offsite from May to June.",
    "Our Austin office hosts the summit.",
    "Flights to Jordan and Georgia were cancelled.",
    "Time zones for Sydney, Dubai and Toronto are a puzzle.",
    "We hired two people for the São Paulo team.",
    "The Head of People wants the survey closed.",
    "Salesforce and Hibernate both had outages.",
    "Hey, can someone cover the phones?",
    "Yup, the Copilot licences arrived.",
    "Hope the Teams upgrade sticks this time.",
    "Grace periods on expense claims end Friday.",
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_redaction(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact([text])[0].text == expected


@pytest.mark.parametrize(("text", "expected"), NAME_CASES, ids=[c[0][:30] for c in NAME_CASES])
def test_names_in_context(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact([text])[0].text == expected


@pytest.mark.parametrize("text", NOT_A_NAME, ids=[t[:30] for t in NOT_A_NAME])
def test_name_like_words_that_are_not_people_stay(redactor: Redactor, text: str) -> None:
    assert redactor.redact([text])[0].text == text


def test_words_in_no_lexicon_are_really_unknown() -> None:
    """The cue-only cases above test what they claim only while these stay out of the lexicons."""
    assert not any(names.is_given_name(w) or names.is_surname(w) for w in ("Quilliam", "Zorbulon"))


def test_gazetteer_catches_a_name_the_model_misses(redactor: Redactor) -> None:
    text = "Told Zoltanne the rota is done."
    redacted = redactor.redact([text], gazetteer_from(["zoltanne.kiss@example.org"]))[0].text
    assert "Zoltanne" not in redacted and "[PERSON]" in redacted


def test_gazetteer_name_in_a_url_makes_it_personal(redactor: Redactor) -> None:
    text = "Her page is https://www.example.org/zoltanne-kiss now."
    redacted = redactor.redact([text], gazetteer_from(["Zoltanne Kiss"]))[0].text
    assert redacted == "Her page is [URL] now."


def test_gazetteer_ignores_non_names() -> None:
    words = gazetteer_from(["Outlook", "ana.silva@example.org", "12345"])
    assert words == frozenset({"ana", "silva"})


def test_overlaps_prefer_the_specific_label() -> None:
    spans = resolve_overlaps([Span(0, 20, "PERSON"), Span(5, 20, "EMAIL"), Span(30, 35, "PHONE")])
    assert [s.label for s in spans] == ["EMAIL", "PHONE"]


def _found(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in resolve_overlaps(find_patterns(text))]


ADDRESSES = [
    (
        "Courier it to ul. Marszałkowska 84/92, 00-514 Warszawa by Friday.",
        "ul. Marszałkowska 84/92, 00-514 Warszawa",
    ),
    (
        "Ship to Avenida Paulista 1578, Bela Vista, São Paulo - SP, 01310-200.",
        "Avenida Paulista 1578, Bela Vista, São Paulo - SP, 01310-200",
    ),
    ("Her flat is at Via Roma 12, 20121 Milano.", "Via Roma 12, 20121 Milano"),
    (
        "He lives at 4-2-8 Shibakoen, Minato-ku, Tokyo 105-0011 now.",
        "4-2-8 Shibakoen, Minato-ku, Tokyo 105-0011",
    ),
    (
        "The gift goes to 152 Teheran-ro, Gangnam-gu, Seoul 06236.",
        "152 Teheran-ro, Gangnam-gu, Seoul 06236",
    ),
    ("Send it to PO Box 1234, Nairobi.", "PO Box 1234, Nairobi"),
    (
        "Deliver to Plot 7, Kofo Abayomi Street, Victoria Island, Lagos.",
        "Plot 7, Kofo Abayomi Street, Victoria Island, Lagos",
    ),
    ("Address: 10 Downing Street, London SW1A 2AA.", "10 Downing Street, London SW1A 2AA"),
]


@pytest.mark.parametrize(("text", "address"), ADDRESSES, ids=[a[1][:24] for a in ADDRESSES])
def test_address_formats(text: str, address: str) -> None:
    assert _found(text) == [(address, "ADDRESS")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The parking permit for Kofi is PK-5521.", [("PK-5521", "ID")]),
        ("Her driving licence, DL-99812-X, expired.", [("DL-99812-X", "ID")]),
        ("PAN ABCPE6789K is on the vendor form.", [("ABCPE6789K", "ID")]),
        (
            "Her staff number is 558812 and badge #44120.",
            [("558812", "ID"), ("44120", "ID")],
        ),
        ("PO 4471 for the printer was approved.", []),
        ("She is a member of 350 people in the network.", []),
        ("Meeting ID 845 2231 9902 for the town hall.", []),
        ("Flight BA117 leaves at 9.", []),
    ],
)
def test_id_numbers(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The caterer's number is 555-0123 until six.", [("555-0123", "PHONE")]),
        ("We need 200-3000 chairs.", []),
        ("Running Outlook 16.0.17126.20132 now.", []),
        ("Invoice 2023-1104 was paid.", []),
        ("The reference VR-4410-2201 came through.", [("VR-4410-2201", "ID")]),
    ],
)
def test_phone_numbers_and_lookalikes(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text) == expected


def test_version_string_is_not_a_phone() -> None:
    assert _found("Excel build 16.0.5413.1000 broke the macros.") == []


def test_ipv6_at_sentence_end_keeps_its_full_stop_outside() -> None:
    assert _found("Ping the server at 2001:db8::1.") == [("2001:db8::1", "IP")]


def test_ip_addresses_in_brackets_and_with_ports() -> None:
    assert _found("Old box [2001:db8:0:1::5]:443 and 203.0.113.9:8080 are down.") == [
        ("2001:db8:0:1::5", "IP"),
        ("203.0.113.9", "IP"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "See https://www.example.org/team/wei-zhang for the bio.",
            [("https://www.example.org/team/wei-zhang", "URL")],
        ),
        (
            "Book at https://lakshmi-iyer.youcanbook.me today.",
            [("https://lakshmi-iyer.youcanbook.me", "URL")],
        ),
        ("My site is kwame-mensah.example.net.", [("kwame-mensah.example.net", "URL")]),
        ("The guide is at https://intranet.example.com/guides/expense-policy.", []),
        ("See https://www.example.com/grace-period-policy for details.", []),
        ("github.com/features lists what is new.", []),
        # a given name and a family name written together (pii_dev2's misses)
        ("Her portfolio: https://aishabello.example", [("https://aishabello.example", "URL")]),
        (
            "Code is on https://code.example.com/tomwojcik now.",
            [("https://code.example.com/tomwojcik", "URL")],
        ),
        ("Our page https://www.linkedin.com/company/acme is live.", []),
    ],
)
def test_urls_that_carry_a_person(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text) == expected


def test_nam_dict_names_with_diacritics_load() -> None:
    """Regression: nam_dict.txt is UTF-8; reading it as ISO-8859-1 lost every accented name."""
    assert names.is_given_name("Inês") and names.is_given_name("Małgorzata")


@pytest.mark.parametrize(
    ("word", "expected"), [("Sinéad", True), ("Sinead", True), ("Kamala", True), ("Outlook", False)]
)
def test_given_names_match_with_and_without_diacritics(word: str, expected: bool) -> None:
    assert names.is_given_name(word) is expected


def test_surname_endings_count_as_surnames() -> None:
    assert names.is_surname("Przybylska") and not names.is_surname("Budget")


@pytest.mark.parametrize(
    ("word", "expected"),
    [("Yılmaz", True), ("O'Brien", True), ("McAllister", True), ("CFO", False), ("Ms", False)],
)
def test_looks_like_name_word(word: str, expected: bool) -> None:
    assert names.looks_like_name_word(word) is expected


def test_fold_strips_diacritics() -> None:
    assert names.fold("Kamińska Yılmaz Łukasz") == "kaminska yilmaz lukasz"


def test_import_stores_only_redacted_text(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    csv = (
        b"Timestamp,Email Address,What keeps you up at night?\r\n"
        b'9/8/2026 10:00:00,ana.silva@example.org,"My boss Daniel Whitaker wants replies by 6am; '
        b'call me on +1 415 555 0199"\r\n'
        b"9/8/2026 11:00:00,joe.bloggs@example.org,Ana Silva is covering my inbox this week\r\n"
        # three more members: the export shows no row of a community under the minimum of 5
        b"9/8/2026 12:00:00,m3@example.org,Month end\r\n"
        b"9/8/2026 13:00:00,m4@example.org,The reorg\r\n"
        b"9/8/2026 14:00:00,m5@example.org,Budgets\r\n"
    )
    response = app_client.post(
        "/api/v1/communities/circle/imports",
        headers=facilitator_headers,
        files={"file": ("pulse.csv", csv)},
    )
    assert response.status_code == 201, response.text
    assert any("redacted" in w for w in response.json()["warnings"])
    export = app_client.get(
        "/api/v1/communities/circle/answers.csv", headers=facilitator_headers
    ).text
    assert "Whitaker" not in export and "555" not in export and "Silva" not in export
    assert "[PERSON]" in export and "[PHONE]" in export
