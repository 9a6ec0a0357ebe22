"""Angle writers: the offline templates on many themes, and the LLM client's fallbacks."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from service.agenda.angles import ChatCompletionsWriter, TemplateWriter, make_writer, valid_angle
from service.agenda.phrasing import inline, mid_sentence, noun_topic, sanitize
from service.agenda.schemas import AngleBrief
from service.config import LlmSettings
from service.nlp.stems import content_stems

THEMES = [
    ("Calendar conflicts and double bookings", ("calendar", "double booking")),
    ("Job security and the reorganisation", ("reorganisation", "role")),
    ("Expense system", ("expense", "receipt")),
    ("AI assistants", ("copilot", "meeting minutes")),
    ("Leadership offsite planning", ("offsite", "venue")),
    ("Wellbeing and workload", ("burnout", "overtime")),
    ("Career growth", ("promotion", "recognition")),
    ("Travel policy", ("travel", "approval")),
    ("Onboarding new executives", ("onboarding", "new executive")),
    ("Hybrid office logistics", ("desk booking", "room")),
    ("E-mail overload", ("inbox", "email")),
    ("ERP go-live", ("erp", "go-live")),
    ("Copilot", ("copilot", "prompt")),
    ("Vendor management", ("vendor", "contract")),
    ("Month-end close", ("month end", "reconciliation")),
    ("Managing multiple executives", ("executive", "priority")),
    ("Room bookings", ("room", "booking")),
    ("Feedback from [PERSON]", ("feedback", "[PERSON]")),
    ("{theme} and {label}", ("{keyword}",)),
    ("<b>Print</b> queue", ("printer",)),
    ("", ()),
    ("Meeting minutes", ("minutes", "action item")),
    ("Coffee machine", ("coffee",)),
    ("Performance reviews", ("review", "objective")),
    ("Team events", ("event", "team building")),
    ("Parking at the new office", ("parking",)),
    ("Time zones", ("time zone", "scheduling")),
    ("Data privacy training", ("gdpr", "training")),
    ("Board pack preparation", ("board pack", "deadline")),
    ("Recruitment of new assistants", ("interview", "hiring")),
    ("Procurement approvals", ("purchase order", "approval")),
    ("Stakeholder communication", ("update", "stakeholder")),
    ("Visa and immigration paperwork", ("visa",)),
    ("Holiday cover", ("annual leave", "cover")),
    ("Shared inbox etiquette", ("shared inbox",)),
    ("Event budgets", ("budget", "venue")),
    ("Teams channels", ("channel", "notification")),
    ("Learning and development", ("course", "certification")),
    ("Health and safety", ("fire drill",)),
    ("Executive travel disruptions", ("flight", "delay")),
]
TONES = ("neutral", "worry", "positive")
DIVERGENCE = ("roles", "Executive Assistants", "Office Managers")
_LEAK = re.compile(r"[{}\[\]<>]|PERSON|\bkeyword\b|\blabel\b|\btheme\b|\bphrase\b|\bdims\b")


def _brief(index: int, *, divergence: bool = False) -> AngleBrief:
    label, keywords = THEMES[index]
    return AngleBrief(
        topic=label,
        key_phrases=keywords,
        tone=TONES[index % 3],
        divergence=DIVERGENCE if divergence else None,
    )


@pytest.mark.parametrize("index", range(len(THEMES)), ids=[t[0] or "empty" for t in THEMES])
@pytest.mark.parametrize("divergence", [False, True], ids=["plain", "divergence"])
def test_template_angles_are_valid_grounded_questions(index: int, divergence: bool) -> None:
    brief = _brief(index, divergence=divergence)
    angles = TemplateWriter(seed=3).write(brief)
    assert [a.kind for a in angles] == ["challenge", "opportunity", "how-to"] + (
        ["divergence"] if divergence else []
    )
    texts = [a.text for a in angles]
    assert len(set(texts)) == len(texts)
    grounds = content_stems(" ".join(map(sanitize, [brief.topic, *brief.key_phrases])))
    grounds = grounds or {"topic"}
    for text in texts:
        assert valid_angle(text), text
        assert not _LEAK.search(text), text
        assert content_stems(text) & grounds, text
        assert not re.search(r"\b(the the|a the|the a|an the)\b", text, re.IGNORECASE), text
    if divergence:
        assert "roles" in texts[-1] or "Executive Assistants" in texts[-1]


def test_template_wording_varies_between_themes_but_not_between_runs() -> None:
    writer = TemplateWriter(seed=0)
    skeletons = set()
    openings = set()
    for index in range(len(THEMES)):
        brief = _brief(index)
        first, again = writer.write(brief), writer.write(brief)
        assert first == again
        topic = mid_sentence(brief.topic)
        for angle in first:
            skeletons.add(angle.text.replace(inline(topic), "X").replace(topic, "X"))
        openings.add(first[0].text.rsplit(": ", 1)[-1].split()[0])
    assert len(skeletons) >= 25
    assert len(openings) >= 4


def test_how_do_different_roles_see_it() -> None:
    found = {
        TemplateWriter(seed=s).write_kind(_brief(0, divergence=True), "divergence").text
        for s in range(30)
    }
    assert "How do different roles see calendar conflicts and double bookings?" in found


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("expense system", "the expense system"),
        ("double bookings", "double bookings"),
        ("workload", "workload"),
        ("Copilot", "Copilot"),
        ("AI", "AI"),
        ("our travel policy", "our travel policy"),
        ("onboarding", "onboarding"),
        ("travel process", "the travel process"),
        ("job security and the reorganisation", "job security and the reorganisation"),
    ],
)
def test_articles(phrase: str, expected: str) -> None:
    assert inline(phrase) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Calendar conflicts", "calendar conflicts"),
        ("AI assistants", "AI assistants"),
        ("Copilot minutes", "Copilot minutes"),
        ("ERP go-live", "ERP go-live"),
        ("Notes from [PERSON] and {x}", "notes"),
        ("{theme} and {label}", ""),
        ("<b>Print</b> queue", "print queue"),
    ],
)
def test_mid_sentence(label: str, expected: str) -> None:
    assert mid_sentence(label) == expected


def test_no_endpoint_means_the_template_writer() -> None:
    assert isinstance(make_writer(LlmSettings()), TemplateWriter)
    assert isinstance(
        make_writer(LlmSettings(base_url="http://127.0.0.1:9/v1")), ChatCompletionsWriter
    )


# --- the chat-completions client against a real local HTTP server -----------------------------

GOOD = {
    "angles": [
        {
            "kind": "challenge",
            "text": "What makes double bookings across executives so hard to untangle?",
        },
        {
            "kind": "how-to",
            "text": "How do you decide whose calendar wins when two executives clash?",
        },
        {"kind": "opportunity", "text": "Which shared calendar habits could save us all time?"},
    ]
}
ANSWERS: dict[str, Any] = {
    "good": ("200", "```json\n" + json.dumps(GOOD) + "\n```"),
    "bare-list": ("200", json.dumps({"angles": [a["text"] for a in GOOD["angles"]]})),
    "not-json": ("200", "Here are some ideas: talk about calendars!"),
    "placeholders": (
        "200",
        json.dumps(
            {
                "angles": [
                    {"kind": "challenge", "text": "What makes {topic} hard for [PERSON]?"},
                    {"kind": "how-to", "text": "How do you handle {theme}?"},
                ]
            }
        ),
    ),
    "statements": (
        "200",
        json.dumps(
            {
                "angles": [
                    {"kind": "challenge", "text": "Double bookings are hard."},
                    {"kind": "how-to", "text": "Discuss calendar tools."},
                ]
            }
        ),
    ),
    "off-topic": (
        "200",
        json.dumps(
            {
                "angles": [
                    {"kind": "challenge", "text": "What is your favourite holiday destination?"},
                    {"kind": "how-to", "text": "How do you bake sourdough bread at home?"},
                ]
            }
        ),
    ),
    "server-error": ("500", "{}"),
    "no-choices": ("200-raw", json.dumps({"error": "model not loaded"})),
}


class _Stub(BaseHTTPRequestHandler):
    mode = "good"
    seen: list[dict[str, Any]] = []

    def log_message(self, *args: Any) -> None:  # keep the test output quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Stub.seen.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
        )
        if _Stub.mode == "slow":
            time.sleep(1.0)
            status, content = "200", json.dumps(GOOD)
        else:
            status, content = ANSWERS[_Stub.mode]
        if status == "200-raw":
            payload = content.encode()
        else:
            payload = json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": content}}]}
            ).encode()
        try:
            self.send_response(int(status[:3]))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass


@pytest.fixture(scope="module")
def stub_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _writer(url: str, **kwargs: Any) -> ChatCompletionsWriter:
    return ChatCompletionsWriter(
        base_url=url,
        model="local-model",
        api_key="sk-test",
        timeout_seconds=kwargs.pop("timeout", 2.0),
        **kwargs,
    )


BRIEF = AngleBrief(
    topic="Calendar conflicts and double bookings", key_phrases=("double bookings", "calendar")
)


@pytest.mark.parametrize("mode", ["good", "bare-list"])
def test_a_good_answer_is_used(stub_url: str, mode: str) -> None:
    _Stub.mode, _Stub.seen = mode, []
    writer = _writer(stub_url)
    angles = writer.write(BRIEF)
    assert [a.source for a in angles] == ["llm"] * 3
    assert angles[0].text == GOOD["angles"][0]["text"]
    assert writer.fallbacks == 0
    request = _Stub.seen[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer sk-test"
    assert request["body"]["model"] == "local-model"
    assert "calendar conflicts and double bookings" in request["body"]["messages"][1]["content"]


def test_a_divergence_angle_is_added_when_the_model_forgets_it(stub_url: str) -> None:
    _Stub.mode = "good"
    brief = AngleBrief(
        topic="Calendar conflicts", key_phrases=("double bookings",), divergence=DIVERGENCE
    )
    angles = _writer(stub_url).write(brief)
    assert [a.kind for a in angles][-1] == "divergence" and angles[-1].source == "template"
    assert len(angles) == 4


@pytest.mark.parametrize(
    "mode", ["not-json", "placeholders", "statements", "off-topic", "server-error", "no-choices"]
)
def test_bad_answers_fall_back_to_the_templates(stub_url: str, mode: str) -> None:
    _Stub.mode = mode
    writer = _writer(stub_url)
    angles = writer.write(BRIEF)
    assert angles == TemplateWriter().write(BRIEF)
    assert writer.fallbacks == 1 and not writer.unreachable
    assert all(valid_angle(a.text) for a in angles)


def test_a_slow_server_times_out_and_is_not_asked_again(stub_url: str) -> None:
    _Stub.mode, _Stub.seen = "slow", []
    writer = _writer(stub_url, timeout=0.2)
    started = time.monotonic()
    first = writer.write(BRIEF)
    second = writer.write(BRIEF)
    assert time.monotonic() - started < 0.9
    assert first == second == TemplateWriter().write(BRIEF)
    assert writer.unreachable and writer.fallbacks == 2 and len(_Stub.seen) == 1


def test_an_unreachable_server_falls_back() -> None:
    writer = _writer("http://127.0.0.1:9/v1", timeout=0.5)
    assert writer.write(BRIEF) == TemplateWriter().write(BRIEF)
    assert writer.unreachable


@pytest.mark.parametrize(
    ("label", "topic", "noun_phrase"),
    [
        ("Coffee machine and workload i'm", "Coffee machine and workload", True),
        ("Felt manageable and workload", "Workload", True),
        ("New structure and eliminated", "New structure", True),
        ("New exec and shared services", "New exec and shared services", True),
        ("I'd love and meeting minutes", "Meeting minutes", True),
        ("Desk booking and actually taken", "Desk booking", True),
        ("She's and colleague", "Colleague", True),
        ("Slept properly and haven't", "Slept properly and haven't", False),
        ("Can't and tired", "Can't and tired", False),
    ],
)
def test_generated_labels_become_noun_phrases_or_headings(
    label: str, topic: str, noun_phrase: bool
) -> None:
    assert noun_topic(label) == (topic, noun_phrase)


def test_a_label_that_is_no_noun_phrase_is_only_used_as_a_heading() -> None:
    brief = AngleBrief(
        topic="Can't and tired",
        key_phrases=("tired", "busy"),
        noun_phrase=False,
        divergence=DIVERGENCE,
    )
    angles = TemplateWriter().write(brief)
    assert len(angles) == 4
    assert all(a.text.startswith("Can't and tired: ") and valid_angle(a.text) for a in angles)
    assert len({a.text for a in angles}) == 4
