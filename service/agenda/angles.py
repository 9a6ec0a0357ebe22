"""Discussion angles: open questions about a topic, from a pluggable writer.

:class:`TemplateWriter` is the offline default. It fills hand-written question templates
(several per kind and tone, chosen by a stable hash of the topic so that wording varies between
topics but not between runs) with the topic and one of its key phrases. No verb in a template
agrees with the topic, and :func:`~service.agenda.phrasing.inline` puts "the" before a singular
count noun, so any noun phrase reads grammatically in it; a label that is no noun phrase is used
only as a heading ("Can't and tired: what ...?").

:class:`ChatCompletionsWriter` asks an OpenAI-compatible ``/chat/completions`` endpoint (a local
llama.cpp or vLLM server; ``PEERPULSE_LLM__BASE_URL``, ``__MODEL``, ``__API_KEY``,
``__TIMEOUT_SECONDS``). Only aggregates leave PeerPulse: the topic, its key phrases, the tone,
the format and which segments differ -- never a member's words. On any failure (connection
error, timeout, HTTP error, unparsable or invalid answer) it writes with the template writer
instead; after a connection failure or timeout it stops asking for the rest of the run.

Every angle, whoever wrote it, passes :func:`valid_angle`: one line ending in "?", no
placeholder such as ``{topic}`` or ``[PERSON]``, no markup.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from typing import Any, Protocol

import httpx

from service.agenda.phrasing import PLACEHOLDER, SPACES, inline, mid_sentence, pick_phrase
from service.agenda.schemas import ANGLE_KINDS, Angle, AngleBrief
from service.config import LlmSettings
from service.nlp.stems import content_stems

log = logging.getLogger(__name__)

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "challenge": {
        "neutral": (
            "What makes {topic} hard to handle at the moment?",
            "What is the hardest part of {topic} for you right now?",
            "Where do you lose the most time or energy to {topic}?",
            "What gets in the way when you deal with {topic}?",
            "What tends to go wrong around {phrase}, and when?",
            "{Topic}: what has surprised you most so far?",
            "{Topic}: what gets in the way for you right now?",
        ),
        "worry": (
            "What worries you most about {topic} right now?",
            "Which part of {topic} weighs on you most at the moment?",
            "What do you wish you knew about {topic} today?",
            "What makes {topic} hard to talk about at work?",
            "{Topic}: what is on your mind this week?",
            "{Topic}: what do you wish you knew today?",
        ),
    },
    "opportunity": {
        "neutral": (
            "What would a better way of handling {topic} look like for us?",
            "If you could change one thing about {topic}, what would it be?",
            "What could we do together as a group about {topic}?",
            "What would you like to get better at when it comes to {topic}?",
            "Where could a fresh approach to {phrase} make our work easier?",
            "{Topic}: if you could change one thing, what would it be?",
        ),
        "worry": (
            "What support would make {topic} easier to face?",
            "What could we do as a group to support each other through {topic}?",
            "Which questions about {topic} would you most like answered?",
            "What would help you feel more in control of {topic}?",
            "{Topic}: which questions would you most like answered?",
        ),
        "positive": (
            "Where else could {topic} help us in our work?",
            "What could we gain if more of us tried {phrase}?",
            "What would it take to share what works with {topic} across the group?",
            "{Topic}: which part of your week could this change next?",
        ),
    },
    "how-to": {
        "neutral": (
            "What practical steps have helped you with {phrase}?",
            "Who has found a way to handle {phrase}, and what did you do first?",
            "What would you tell a new colleague facing {phrase}?",
            "Which tools, habits or conversations make {phrase} easier?",
            "How do you keep {phrase} from taking over your week?",
            "{Topic}: what practical steps have helped you so far?",
            "{Topic}: what would you tell a new colleague facing this?",
        ),
        "positive": (
            "What has worked for you with {phrase}, and what would you do differently?",
            "How did you get started with {phrase}, and what would you tell a colleague "
            "trying it next week?",
            "Which habits or settings made {phrase} work for you?",
            "What would a step-by-step guide to {phrase} need to include?",
            "{Topic}: what has worked for you, and what would you do differently?",
        ),
    },
    "divergence": {
        "neutral": (
            "How do different {dims} see {topic}?",
            "How do different {dims} see {topic}, and what might {a} and {b} learn from each "
            "other?",
            "Why might {a} and {b} experience {topic} so differently?",
            "What do {a} notice about {topic} that {b} might miss?",
            "{Topic}: how do different {dims} see it?",
        ),
    },
}
_TONE_FALLBACK = {"positive": "neutral", "worry": "neutral", "neutral": "neutral"}


class AngleWriter(Protocol):
    """Writes two to four discussion angles for a topic."""

    def write(self, brief: AngleBrief) -> list[Angle]:
        """Angles for ``brief``, each passing :func:`valid_angle`."""
        ...


def valid_angle(text: Any) -> bool:
    """One line, 12-240 characters, a capital first and a "?" last, no placeholder or markup."""
    if not isinstance(text, str):
        return False
    text = text.strip()
    return (
        12 <= len(text) <= 240
        and text.endswith("?")
        and "\n" not in text
        and (text[0].isupper() or text[0].isdigit())
        and not PLACEHOLDER.search(text)
        and "  " not in text
        and "??" not in text
    )


def _opening(question: str) -> str:
    """The question word an angle opens with (after a "Topic:" frame)."""
    return question.rsplit(": ", 1)[-1].split(" ", 1)[0].lower()


def _stable(*parts: object) -> int:
    return int(hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:12], 16)


class TemplateWriter:
    """The offline writer (see the module docstring)."""

    name = "template"

    def __init__(self, *, seed: int = 0) -> None:
        """Store the seed that, with the topic, picks the templates."""
        self.seed = seed

    def kinds(self, brief: AngleBrief) -> list[str]:
        """Which kinds of angle a brief gets: three, plus divergence when segments differ."""
        kinds = ["challenge", "opportunity", "how-to"]
        return [*kinds, "divergence"] if brief.divergence else kinds

    def write_kind(self, brief: AngleBrief, kind: str, *, avoid: Sequence[str] = ()) -> Angle:
        """One angle of ``kind``, opening differently from the questions in ``avoid``."""
        topic = mid_sentence(brief.topic) or "this topic"
        values = {
            "topic": inline(topic),
            "Topic": topic[0].upper() + topic[1:],
            "phrase": inline(pick_phrase(topic, brief.key_phrases)),
        }
        if brief.divergence:
            values.update(zip(("dims", "a", "b"), brief.divergence, strict=True))
        by_tone = TEMPLATES[kind]
        options = by_tone.get(brief.tone) or by_tone[_TONE_FALLBACK.get(brief.tone, "neutral")]
        if not brief.noun_phrase:  # only as a heading: "Can't and tired: what ...?"
            options = tuple(o for o in options if o.startswith("{Topic}")) or tuple(
                o for o in by_tone["neutral"] if o.startswith("{Topic}")
            )
        start = _stable(self.seed, topic.lower(), kind)
        openings = {_opening(a) for a in avoid}
        framed = any(a.startswith(values["Topic"] + ":") for a in avoid)
        rotated = [options[(start + step) % len(options)] for step in range(len(options))]
        text = rotated[0].format(**values)
        for template in rotated:
            candidate = template.format(**values)
            if _opening(candidate) not in openings and not (
                framed and brief.noun_phrase and template.startswith("{Topic}")
            ):
                text = candidate
                break
        return Angle(kind, text[0].upper() + text[1:], "template")

    def write(self, brief: AngleBrief) -> list[Angle]:
        """Three or four angles, one per kind."""
        angles: list[Angle] = []
        for kind in self.kinds(brief):
            angles.append(self.write_kind(brief, kind, avoid=[a.text for a in angles]))
        return angles


_SYSTEM = (
    "You help the facilitators of a peer-learning community plan their next session. Write "
    "discussion angles: open questions that start a conversation among members, in plain "
    "English, each under 30 words and ending with a question mark. Ground every question in the "
    "topic or its key phrases. Do not invent facts, names, numbers or quotes. Answer with JSON "
    'only, in this form: {"angles": [{"kind": "challenge", "text": "..."}]}, using the kinds '
    "you are asked for, one question per kind."
)


class ChatCompletionsWriter:
    """Angles from an OpenAI-compatible chat-completions endpoint (see the module docstring)."""

    name = "llm"

    def __init__(
        self,
        *,
        base_url: str,
        model: str | None = None,
        api_key: str | None = None,
        timeout_seconds: float = 20.0,
        fallback: TemplateWriter | None = None,
    ) -> None:
        """Store the endpoint; nothing is contacted until :meth:`write`."""
        self.base_url = base_url
        self.model = model
        self.api_key = api_key
        self.timeout_seconds = timeout_seconds
        self.fallback = fallback or TemplateWriter()
        self.unreachable = False
        self.fallbacks = 0

    def write(self, brief: AngleBrief) -> list[Angle]:
        """The endpoint's angles, or the template writer's when anything goes wrong."""
        if not self.unreachable:
            try:
                return self._complete(brief)
            except httpx.TransportError as exc:  # connection refused, timeout, reset...
                self.unreachable = True
                log.warning("LLM endpoint unreachable (%s); using template angles", exc)
            except (
                httpx.HTTPError,
                ValueError,
                KeyError,
                TypeError,
                IndexError,
                AttributeError,
            ) as exc:
                log.warning("LLM answer unusable (%s); using template angles", exc)
        self.fallbacks += 1
        return self.fallback.write(brief)

    def _payload(self, brief: AngleBrief) -> dict[str, Any]:
        kinds = self.fallback.kinds(brief)
        request = {
            "topic": mid_sentence(brief.topic),
            "key_phrases": list(brief.key_phrases[:6]),
            "tone": brief.tone,
            "format": brief.format,
            "kinds": kinds,
            "members_asked_for_it": brief.requested,
        }
        if brief.divergence:
            request["differs_between"] = f"{brief.divergence[1]} and {brief.divergence[2]}"
        payload: dict[str, Any] = {
            "messages": [
                {"role": "system", "content": _SYSTEM},
                {"role": "user", "content": json.dumps(request)},
            ],
            "temperature": 0.4,
            "max_tokens": 400,
        }
        if self.model:
            payload["model"] = self.model
        return payload

    def _complete(self, brief: AngleBrief) -> list[Angle]:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        with httpx.Client(timeout=self.timeout_seconds) as client:
            response = client.post(
                self.base_url.rstrip("/") + "/chat/completions",
                json=self._payload(brief),
                headers=headers,
            )
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        return self._parse(brief, content)

    def _parse(self, brief: AngleBrief, content: str) -> list[Angle]:
        """Angles from the answer's text; :class:`ValueError` when fewer than two are usable."""
        if not isinstance(content, str) or "{" not in content:
            raise ValueError("the answer holds no JSON object")
        data = json.loads(content[content.index("{") : content.rindex("}") + 1])
        grounds = content_stems(" ".join([brief.topic, *brief.key_phrases]))
        kinds = self.fallback.kinds(brief)
        angles: list[Angle] = []
        for position, item in enumerate(data["angles"]):
            if isinstance(item, str):  # a bare list of questions: kinds in the order asked
                item = {"kind": kinds[min(position, len(kinds) - 1)], "text": item}
            kind = str(item.get("kind", "")).lower().replace("_", "-").replace("howto", "how-to")
            text = SPACES.sub(" ", str(item.get("text", ""))).strip()
            if (
                kind in ANGLE_KINDS
                and valid_angle(text)
                and content_stems(text) & grounds
                and all(text != a.text for a in angles)
            ):
                angles.append(Angle(kind, text, "llm"))
        if len(angles) < 2:
            raise ValueError(f"only {len(angles)} usable angle(s) in the answer")
        angles = angles[:4]
        if brief.divergence and not any(a.kind == "divergence" for a in angles):
            angles = [*angles[:3], self.fallback.write_kind(brief, "divergence")]
        return angles


def make_writer(llm: LlmSettings | None, *, seed: int = 0) -> AngleWriter:
    """The chat-completions writer when an endpoint is configured, else the template writer."""
    template = TemplateWriter(seed=seed)
    if llm is None or not llm.base_url:
        return template
    return ChatCompletionsWriter(
        base_url=llm.base_url,
        model=llm.model,
        api_key=llm.api_key,
        timeout_seconds=llm.timeout_seconds,
        fallback=template,
    )
