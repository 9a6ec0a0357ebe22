"""Names and numbers as chat messages, mail threads and minutes write them (issue 15, the third
development set's kinds), and the look-alikes that must stay.

Every sentence is written for these tests; none comes from corpora/pii, pii_dev2, pii_dev3 or
pii_unseen.
"""

from __future__ import annotations

import pytest

from service.privacy.redactor import Redactor

REDACTED = [
    # chat mentions: the handle, not the @
    ("@Oluwadamilare can you check the rota?", "@[PERSON] can you check the rota?"),
    ("thanks @k.ferreira for the slides", "thanks @[PERSON] for the slides"),
    # initials used as a handle
    ("per GH, the budget is frozen", "per [PERSON], the budget is frozen"),
    ("cc: TQ, BN", "cc: [PERSON], [PERSON]"),
    ("VW to send the agenda by noon", "[PERSON] to send the agenda by noon"),
    (
        "actions: YP - book room; ZK - order lunch",
        "actions: [PERSON] - book room; [PERSON] - order lunch",
    ),
    # sign-offs
    ("See you Thursday.\nWarmly,\nIfunanya", "See you Thursday.\nWarmly,\n[PERSON]"),
    ("leaving early today, sorry – bongani", "leaving early today, sorry – [PERSON]"),
    # mail headers
    (
        "From: Radoslaw Nowicki Sent: Monday To: Admin Forum",
        "From: [PERSON] Sent: Monday To: Admin Forum",
    ),
    ("to: thandiwe; cc: eitan", "to: [PERSON]; cc: [PERSON]"),
    # chat shorthand and lower-case names in context
    ("caught up w folasade about the budget", "caught up w [PERSON] about the budget"),
    ("could wanjiru check the minutes", "could [PERSON] check the minutes"),
    ("told grace the rota moved", "told [PERSON] the rota moved"),
    ("fyi kwabena is off sick today", "fyi [PERSON] is off sick today"),
    # a name that is also a word, with person evidence
    ("Hope is on annual leave until the 14th.", "[PERSON] is on annual leave until the 14th."),
    ("Rose on the front desk took the call.", "[PERSON] on the front desk took the call."),
    ("cover: wed - Tendai", "cover: wed - [PERSON]"),
    ("Her name is Chidinma but we call her Chi", "Her name is [PERSON] but we call her [PERSON]"),
    # names that are also words, listed together or doing office work
    (
        "Grace, Joy and Faith all sit on reception",
        "[PERSON], [PERSON] and [PERSON] all sit on reception",
    ),
    ("Ruby and Pearl are sharing the rota", "[PERSON] and [PERSON] are sharing the rota"),
    ("Sky will send the minutes tonight", "[PERSON] will send the minutes tonight"),
    (
        "Autumn joined in March as the new receptionist",
        "[PERSON] joined in March as the new receptionist",
    ),
    # transcripts, last lines and lists as people write them
    (
        "call rashida on oh seven nine four five five five oh one two three",
        "call [PERSON] on [PHONE]",
    ),
    ("my staff id is four four seven one eight two", "my staff id is [ID]"),
    ("Rusty is our treasurer this year", "[PERSON] is our treasurer this year"),
    (
        "our new receptionist is Precious, she starts today",
        "our new receptionist is [PERSON], she starts today",
    ),
    ("see everyone thursday\nNokuthula", "see everyone thursday\n[PERSON]"),
    ("ok sounds good tnx oluwatobi", "ok sounds good tnx [PERSON]"),
    (
        "the new starters are chidi, olamide and svetlana",
        "the new starters are [PERSON], [PERSON] and [PERSON]",
    ),
    ("write to amara [at] example [dot] org", "write to [EMAIL]"),
    ("TFN 318 552 907 for the new casual", "TFN [ID] for the new casual"),
    # numbers about a person
    ("pupil no. 40417 needs the lift pass", "pupil no. [ID] needs the lift pass"),
    ("MRN 3318842 - wrong date of birth", "MRN [ID] - wrong date of birth"),
    ("my payroll no. is H-558120", "my payroll no. is [ID]"),
    # contact details written as people write them
    ("reply to j.osei[at]example.org please", "reply to [EMAIL] please"),
    ("send it to Birkenweg 7, 3013 Bern", "send it to [ADDRESS]"),
    ("ext 2290 is my direct line", "[PHONE] is my direct line"),
]

KEPT = [
    "@here the printer on floor 2 is fixed",
    "the total is @SUM(B2:B9) in the tracker",
    "SLT and HR both signed off the KPIs by EOD",
    "Faith in the new process is low.",
    "St Joseph's Primary lent us their hall.",
    "Lunch from Mama Kemi's Kitchen was great.",
    "booking ref TR-55109 for the coach",
    "case CS-77120 is still open with the supplier",
    "see section 4.1.2.3 of the policy",
    "meeting ID for tomorrow is 913 4471 2280",
    "password resets go to the helpdesk on ext 5000",
    "Date: Thu, 4 Mar",
    "my friend's desk is next to mine",
    "We met in March, April and May all before the audit",
    "Hope is fading for the new budget.",
    "Autumn started early this year.",
    "the boss is off sick again, quiet week",
    "We met in the Nelson Mandela building.",
    "Fly into Indira Gandhi airport on the Monday.",
    "Our ABN is 53 004 085 616, put it on the invoice.",
    "Claim CLM-55120 for the storm damage is with the insurer.",
    "hotel confirmation 77120934 covers the block",
]


@pytest.mark.parametrize(("text", "expected"), REDACTED, ids=[c[0] for c in REDACTED])
def test_personal_data_in_chat_mail_and_minutes_is_redacted(
    redactor: Redactor, text: str, expected: str
) -> None:
    assert redactor.redact([text])[0].text == expected


@pytest.mark.parametrize("text", KEPT)
def test_look_alikes_stay(redactor: Redactor, text: str) -> None:
    assert redactor.redact([text])[0].text == text
