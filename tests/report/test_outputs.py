"""The report as files: a PDF by WeasyPrint, the CLI, the dashboard's download, and a browser
printing the HTML at A4 and at US letter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from service.auth.roles import Role
from service.cli import app
from service.config import Settings, get_settings
from service.report.render import render_html, render_pdf
from service.storage import db
from tests.digest.conftest import QUOTE, sample_community
from tests.report.conftest import pdf_text, report_of
from tests.web.test_pages import sign_in

A4 = (595, 842)
LETTER = (612, 792)


def test_pdf_holds_the_sections_and_withholds_small_groups(
    sample: Engine, settings: Settings
) -> None:
    text, sizes = pdf_text(render_pdf(render_html(report_of(sample, settings, role="viewer"))))
    assert 1 <= len(sizes) <= 4
    assert all(size == A4 for size in sizes)
    assert "Admin Circle: what the program did for its members" in text
    for heading in ("Participation", "What members valued and raised", "Worries and how"):
        assert heading in text
    assert "Calendar conflicts" in text
    assert "fewer than 5 responses" in text
    assert QUOTE not in text  # a viewer's copy
    assert f"Page 1 of {len(sizes)}" in text


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The CLI on a throwaway database holding the sample community."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PEERPULSE_DATABASE_URL", url)
    monkeypatch.setenv("PEERPULSE_SECRET_KEY", "cli-test-secret-key-long-enough-0123456789")
    get_settings.cache_clear()
    db.engine_for.cache_clear()
    engine = db.engine_for(url)
    db.upgrade(engine)
    sample_community(engine)
    yield CliRunner()
    get_settings.cache_clear()
    db.engine_for.cache_clear()


@pytest.mark.parametrize("role", ["viewer", "facilitator"])
def test_cli_writes_the_pdf_and_quotes_only_for_a_facilitator(
    cli: CliRunner, tmp_path: Path, role: str
) -> None:
    out = tmp_path / "report.pdf"
    args = ["report", "--community", "circle", "--from", "2026-09-01", "--to", "2026-10-31"]
    result = cli.invoke(app, [*args, "--out", str(out), "--role", role])
    assert result.exit_code == 0, result.output
    text, _ = pdf_text(out.read_bytes())
    assert "1 September – 31 October 2026" in text
    assert (QUOTE in text) is (role == "facilitator")


def test_cli_writes_html_without_script(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = ["report", "--community", "circle", "--from", "2026-09-01", "--to", "2026-10-31"]
    result = cli.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html
    assert "<script" not in html


@pytest.mark.parametrize(
    ("start", "end", "out", "message"),
    [
        ("2026-10-31", "2026-09-01", "r.pdf", "before it starts"),
        ("2026-09-01", "2026-10-31", "r.docx", "neither .pdf nor .html"),
        ("1 Sept", "2026-10-31", "r.pdf", "is not a date"),
    ],
)
def test_cli_refuses_bad_dates_and_suffixes(
    cli: CliRunner, tmp_path: Path, start: str, end: str, out: str, message: str
) -> None:
    args = ["report", "--community", "circle", "--from", start, "--to", end]
    result = cli.invoke(app, [*args, "--out", str(tmp_path / out)])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / out).exists()


def test_dashboard_download_for_a_facilitator_but_not_a_viewer(app_client: TestClient) -> None:
    sample_community(app_client.app.state.engine)  # type: ignore[attr-defined]
    sign_in(app_client, Role.FACILITATOR)
    digest_page = app_client.get("/c/circle/digest")
    assert 'action="/c/circle/report"' in digest_page.text
    query = "from=2026-09-01&to=2026-10-31"
    answer = app_client.get(f"/c/circle/report?{query}&format=pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert "circle-value-report-2026-09-01-2026-10-31.pdf" in answer.headers["content-disposition"]
    text, _ = pdf_text(answer.content)
    assert "Calendar conflicts" in text
    assert QUOTE not in text  # the default copy is a viewer's
    quoted = app_client.get(f"/c/circle/report?{query}&format=html&quotes=true")
    assert QUOTE in quoted.text
    app_client.cookies.clear()
    sign_in(app_client, Role.VIEWER)
    assert app_client.get(f"/c/circle/report?{query}").status_code == 403


@pytest.mark.parametrize(("paper", "size"), [("A4", A4), ("Letter", LETTER)])
def test_browser_prints_the_html_at_a4_and_letter(
    page,
    sample: Engine,
    settings: Settings,
    paper: str,
    size: tuple[int, int],  # noqa: ANN001
) -> None:
    page.set_content(render_html(report_of(sample, settings, role="viewer")))
    text, sizes = pdf_text(page.pdf(format=paper, print_background=True))
    assert 1 <= len(sizes) <= 5, sizes
    # Chromium writes A4 as 8.27 x 11.7 inches: within a point or two of 595 x 842
    assert all(abs(w - size[0]) <= 2 and abs(h - size[1]) <= 2 for w, h in sizes), sizes
    assert "What members valued and raised" in text
    assert "fewer than 5 responses" in text
