"""A webhook delivery as one flat response: what the JSON importer reads.

Each tool's documented payload becomes ``{"response_id": ..., "submitted_at": ...,
"respondent": ..., "<question>": "<answer>", ...}``; the import then classifies, redacts,
pseudonymises and stores it as any uploaded file, keyed on the tool's own response id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.errors import InvalidInput
from service.ingest.formats.generic import role_of

FlatResponse = dict[str, str]
_BOOKKEEPING = ("response_id", "submitted_at", "respondent")
# Hidden fields or answers that name the member (hashed at import, never stored as text).
_RESPONDENT_KEYS = ("email", "member", "member_id", "respondent", "respondent_id", "user_id")


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(message, hint="Send the payload exactly as the tool documents it.")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, Mapping):
        return _text(value.get("label") or value.get("other") or value.get("labels"))
    return str(value)


def _question(title: str) -> str:
    """A question's column name that the importer never takes for an id, date or respondent
    (a question titled "Date" or "ID" would otherwise become the response's time or key)."""
    title = title.strip()
    return f"{title} (answer)" if role_of(title) is not None or title in _BOOKKEEPING else title


def _respondent(fields: Mapping[str, Any]) -> str:
    for key in _RESPONDENT_KEYS:
        value = fields.get(key)
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return ""


def typeform(payload: Mapping[str, Any]) -> FlatResponse:
    """Typeform's ``form_response`` event: questions from ``definition.fields``, one answer each."""
    response = payload.get("form_response")
    if payload.get("event_type") != "form_response" or not isinstance(response, Mapping):
        raise _invalid("Not a Typeform form_response event")
    token = str(response.get("token") or "").strip()
    if not token:
        raise _invalid("The Typeform response has no token")
    fields = (response.get("definition") or {}).get("fields") or []
    titles = {str(f.get("id")): str(f.get("title") or f.get("ref") or f.get("id")) for f in fields}
    hidden = response.get("hidden") if isinstance(response.get("hidden"), Mapping) else {}
    flat: FlatResponse = {
        "response_id": f"typeform:{token}",
        "submitted_at": str(response.get("submitted_at") or ""),
        "respondent": _respondent(hidden or {}),
    }
    for answer in response.get("answers") or []:
        kind = str(answer.get("type") or "")
        field_id = str((answer.get("field") or {}).get("id") or "")
        if kind == "email" and not flat["respondent"]:
            flat["respondent"] = str(answer.get("email") or "")
            continue
        flat[_question(titles.get(field_id, field_id))] = _text(answer.get(kind))
    return _answered(flat)


def generic(payload: Mapping[str, Any]) -> FlatResponse:
    """Our own shape: ``{"response_id", "submitted_at", "respondent", "answers": {q: a}}``."""
    response_id = str(payload.get("response_id") or "").strip()
    answers = payload.get("answers")
    if not response_id or not isinstance(answers, Mapping) or not answers:
        raise _invalid('A generic delivery needs "response_id" and an "answers" object')
    flat: FlatResponse = {
        "response_id": f"generic:{response_id}",
        "submitted_at": str(payload.get("submitted_at") or ""),
        "respondent": str(payload.get("respondent") or ""),
    }
    for question, answer in answers.items():
        if str(question).strip():
            flat[_question(str(question))] = _text(answer)
    return flat


def surveymonkey_event(payload: Mapping[str, Any]) -> tuple[str, str] | None:
    """The survey and response ids of a ``response_completed`` event; None for other events."""
    if payload.get("event_type") not in ("response_completed", "response_updated"):
        return None
    survey_id = str((payload.get("resources") or {}).get("survey_id") or "")
    response_id = str(payload.get("object_id") or "")
    if not survey_id or not response_id:
        raise _invalid("The SurveyMonkey event names no survey or response")
    return survey_id, response_id


def surveymonkey(details: Mapping[str, Any], survey: Mapping[str, Any]) -> FlatResponse:
    """A response's ``/details`` read with its survey's ``/details`` (headings and choices)."""
    headings: dict[str, str] = {}
    choices: dict[str, str] = {}
    for page in survey.get("pages") or []:
        for question in page.get("questions") or []:
            heading = (question.get("headings") or [{}])[0].get("heading") or question.get("id")
            headings[str(question.get("id"))] = str(heading)
            for choice in (question.get("answers") or {}).get("choices") or []:
                choices[str(choice.get("id"))] = str(choice.get("text") or "")
    custom = details.get("custom_variables") or {}
    flat: FlatResponse = {
        "response_id": f"surveymonkey:{details.get('id')}",
        "submitted_at": str(details.get("date_modified") or details.get("date_created") or ""),
        "respondent": _respondent(custom if isinstance(custom, Mapping) else {}),
    }
    for page in details.get("pages") or []:
        for question in page.get("questions") or []:
            parts = [
                str(a.get("text") or choices.get(str(a.get("choice_id")), ""))
                for a in question.get("answers") or []
            ]
            heading = headings.get(str(question.get("id")), str(question.get("id")))
            flat[_question(heading)] = "; ".join(p for p in parts if p)
    return _answered(flat)


def _answered(flat: FlatResponse) -> FlatResponse:
    """``flat`` when it holds at least one answer besides its id, time and respondent."""
    if not any(v for k, v in flat.items() if k not in _BOOKKEEPING):
        raise _invalid("The delivery carries no answer")
    return flat
