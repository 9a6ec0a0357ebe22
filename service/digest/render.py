"""Render a digest's content as a subject, an HTML part and a plain-text part (Jinja2)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from service.digest.content import DigestContent

TEMPLATES = Path(__file__).parent / "templates"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Rendered:
    """A digest ready to send or preview."""

    subject: str
    html: str
    text: str

    def as_dict(self) -> dict[str, str]:
        """The preview endpoint's body."""
        return {"subject": self.subject, "html": self.html, "text": self.text}


@dataclass(frozen=True)
class Footer:
    """Who the copy is for: the schedule line and the unsubscribe link (None in previews)."""

    unsubscribe_url: str | None = None
    schedule: str | None = None


@lru_cache(maxsize=1)
def environment() -> Environment:
    """One Jinja2 environment: HTML templates autoescaped, text templates not."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["plural"] = plural
    return env


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``1 theme``, ``2 themes``."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def schedule_line(*, weekday: int, hour: int, timezone: str) -> str:
    """ "Mondays at 08:00 (Europe/London)"."""
    return f"{WEEKDAYS[weekday]}s at {hour:02d}:00 ({timezone})"


def subject(content: DigestContent) -> str:
    """The subject line: the community, the week and what changed."""
    if not content.analysed:
        news = "no analysis yet"
    else:
        parts = []
        if content.new:
            parts.append(plural(len(content.new), "new theme"))
        if content.rising:
            parts.append(f"{len(content.rising)} rising")
        if content.fading:
            parts.append(f"{len(content.fading)} fading")
        news = ", ".join(parts) or "themes steady"
    week = (content.data_week or content.period).split("-W")[-1].lstrip("0")
    return f"{content.community_name} \u2014 PeerPulse week {week}: {news}"


def render(content: DigestContent, footer: Footer | None = None) -> Rendered:
    """Both parts of one digest, from ``templates/digest.html`` and ``templates/digest.txt``."""
    env = environment()
    title = subject(content)
    context = {"d": content, "footer": footer or Footer(), "subject": title}
    return Rendered(
        subject=title,
        html=env.get_template("digest.html").render(context),
        text=env.get_template("digest.txt").render(context),
    )


def page(title: str, message: str, *, action: str | None = None, button: str = "") -> str:
    """The small HTML page of the unsubscribe flow (an optional one-button form)."""
    return (
        environment()
        .get_template("unsubscribe.html")
        .render(title=title, message=message, action=action, button=button)
    )
