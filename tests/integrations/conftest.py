"""A local HTTP server that records what it is sent and answers from a table of routes, and
builders of each survey tool's documented webhook payload."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Hit:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


@dataclass
class Receiver:
    """Routes (``"GET /path"`` -> (status, JSON body)) and the requests received."""

    base: str = ""
    routes: dict[str, tuple[int, Any]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    check: Any = None  # called with each Hit; returns an error text or None


class _Handler(BaseHTTPRequestHandler):
    receiver: Receiver

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        hit = Hit(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
        self.receiver.hits.append(hit)
        problem = self.receiver.check(hit) if self.receiver.check else None
        status, body = (
            (400, problem)
            if problem
            else self.receiver.routes.get(
                f"{self.command} {self.path}", (404, {"error": "no route"})
            )
        )
        if status == 0:  # drop the connection after reading the request: no answer at all
            self.close_connection = True
            self.connection.shutdown(2)
            return
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header(
            "Content-Type", "text/plain" if isinstance(body, str) else "application/json"
        )
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet."""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A server on a free port of 127.0.0.1."""
    found = Receiver()
    handler = type("Handler", (_Handler,), {"receiver": found})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    found.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found
    server.shutdown()
    server.server_close()


def typeform_payload(token: str, text: str, *, member: str = "m-101") -> dict[str, Any]:
    """A ``form_response`` event as Typeform documents it."""
    return {
        "event_id": f"01H{token.upper()}",
        "event_type": "form_response",
        "form_response": {
            "form_id": "lT4Z3j",
            "token": token,
            "landed_at": "2026-10-06T09:10:00Z",
            "submitted_at": "2026-10-06T09:12:43Z",
            "hidden": {"member_id": member},
            "definition": {
                "id": "lT4Z3j",
                "title": "Weekly pulse",
                "fields": [
                    {
                        "id": "Fq1",
                        "title": "What helped you most this week?",
                        "type": "long_text",
                        "ref": "helped",
                        "properties": {},
                    },
                    {
                        "id": "Fq2",
                        "title": "Which session did you attend?",
                        "type": "multiple_choice",
                        "ref": "session",
                        "properties": {},
                    },
                    {
                        "id": "Fq3",
                        "title": "Would you come again?",
                        "type": "yes_no",
                        "ref": "again",
                        "properties": {},
                    },
                ],
            },
            "answers": [
                {
                    "type": "text",
                    "text": text,
                    "field": {"id": "Fq1", "type": "long_text", "ref": "helped"},
                },
                {
                    "type": "choice",
                    "choice": {"label": "Calendar clinic"},
                    "field": {"id": "Fq2", "type": "multiple_choice", "ref": "session"},
                },
                {
                    "type": "boolean",
                    "boolean": True,
                    "field": {"id": "Fq3", "type": "yes_no", "ref": "again"},
                },
            ],
        },
    }


def generic_payload(response_id: str, text: str) -> dict[str, Any]:
    """The generic form post (what the Apps Script snippet sends for Google Forms)."""
    return {
        "response_id": response_id,
        "submitted_at": "2026-10-06T10:00:00Z",
        "respondent": "m-202",
        "answers": {"What helped you most this week?": text},
    }


def surveymonkey_event(response_id: str) -> dict[str, Any]:
    """A ``response_completed`` callback as SurveyMonkey documents it (ids only, no answers)."""
    return {
        "name": "PeerPulse",
        "filter_type": "survey",
        "filter_id": "405000111",
        "event_type": "response_completed",
        "event_id": "900000123",
        "object_type": "response",
        "object_id": response_id,
        "event_datetime": "2026-10-06T11:00:00.182613+00:00",
        "resources": {
            "respondent_id": response_id,
            "recipient_id": "0",
            "collector_id": "300000222",
            "survey_id": "405000111",
            "user_id": "100000333",
        },
    }
