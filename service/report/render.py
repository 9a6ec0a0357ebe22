"""Render the program value report as HTML (Jinja2, charts inline) and as PDF (WeasyPrint)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from service.errors import ModelUnavailable
from service.report.schemas import ReportContent
from service.templating import file_templates

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """One autoescaping Jinja2 environment for the report's templates."""
    return file_templates(TEMPLATES)


def filename(content: ReportContent, suffix: str) -> str:
    """``circle-value-report-2026-09-01-2026-11-30.pdf``."""
    return f"{content.slug}-value-report-{content.start}-{content.end}.{suffix}"


def render_html(content: ReportContent) -> str:
    """The whole report as one HTML document: no script, no external file."""
    charts = {m.key: Markup(m.chart) for m in content.measures}  # noqa: S704 - drawn here
    participation = Markup(content.participation.chart) if content.participation else ""  # noqa: S704
    return (
        environment()
        .get_template("report.html")
        .render(r=content, charts=charts, participation_chart=participation)
    )


def render_pdf(html: str) -> bytes:
    """The report's HTML printed to PDF by WeasyPrint (imported here: it is heavy)."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:  # OSError: Pango or Cairo missing
        raise ModelUnavailable(
            "WeasyPrint cannot run here, so no PDF can be made",
            detail=str(exc),
            hint="Install WeasyPrint's system libraries (Pango), or ask for --out report.html.",
        ) from exc
    pdf = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    if pdf is None:  # pragma: no cover - write_pdf returns bytes when no target is given
        raise ModelUnavailable("WeasyPrint returned no PDF")
    return bytes(pdf)
