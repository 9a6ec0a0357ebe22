"""Pages of a community below the minimum group, and of one with unidentified responses."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.auth.roles import Role
from tests.api.test_confidentiality_api import _answers, _import, _small_community, _unidentify
from tests.web.test_pages import sign_in


def test_overview_of_a_small_community_gives_no_member_or_response_count(
    app_client: TestClient,
) -> None:
    _small_community(app_client)
    sign_in(app_client, Role.VIEWER, "tiny")
    page = app_client.get("/c/tiny").text
    counts = page.split('id="community-counts"')[1].split("</p>")[0]
    assert "Fewer than 5 members" in counts
    assert "4 members" not in page and "8 responses" not in page
    top = page.split('id="themes-h"')[1].split("</section>")[0]
    assert "fewer than 5 members" in top and "% of what members wrote" not in top
    assert "rising" not in top


def test_theme_page_of_a_small_group_gives_no_units_share_or_trend(app_client: TestClient) -> None:
    _small_community(app_client)
    sign_in(app_client, Role.FACILITATOR, "tiny")
    overview = app_client.get("/c/tiny").text
    theme_id = overview.split('href="/c/tiny/themes/')[1].split('"')[0]
    page = app_client.get(f"/c/tiny/themes/{theme_id}").text
    header = page.split("<h1>")[1].split("</p>")[0]
    assert "passages" not in header and "50%" not in header and "rising" not in header
    assert "fewer than 5 members" in header


def test_overview_counts_unidentified_responses_as_responses(app_client: TestClient) -> None:
    _import(app_client, "anon", _answers(12, weeks=1, text=True))
    _unidentify(app_client, "anon", 4)
    sign_in(app_client, Role.VIEWER, "anon")
    page = app_client.get("/c/anon").text
    counts = page.split('id="community-counts"')[1].split("</p>")[0]
    assert "12 responses" in counts and "12 members" not in counts
    top = page.split('id="themes-h"')[1].split("</section>")[0]
    assert "12 responses" in top and "12 members" not in top
    weekly = page.split('id="participation-h"')[1].split("</section>")[0]
    assert "Members and unidentified responses" in weekly
