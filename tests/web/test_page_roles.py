"""Every form a role may not send is refused by the page's role dependency, as the API would.

The role is checked before the form is read: a member below the role gets the 403 page that
names the role, even with an empty form, and nothing changes. An unknown community answers 404
first and a cross-site form is refused before the role is looked at, as before.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.auth.roles import Role
from tests.web.test_pages import ORIGIN, sign_in

# (form action under /c/circle, the least role that may send it)
FORMS = [
    ("/suggestions/1/vote", Role.COMMITTEE),
    ("/suggestions/1/comment", Role.COMMITTEE),
    ("/suggestions/1/decision", Role.COMMITTEE),
    ("/suggestions/1/rename", Role.COMMITTEE),
    ("/suggestions/merge", Role.COMMITTEE),
    ("/analyses", Role.FACILITATOR),
    ("/settings/recipients", Role.FACILITATOR),
    ("/settings/recipients/1/unsubscribe", Role.FACILITATOR),
]
BELOW = {Role.COMMITTEE: Role.VIEWER, Role.FACILITATOR: Role.COMMITTEE}


@pytest.mark.parametrize(("action", "least"), FORMS)
def test_a_form_below_its_role_is_refused_before_the_form_is_read(
    app_client: TestClient, action: str, least: Role
) -> None:
    sign_in(app_client, BELOW[least])
    refused = app_client.post(f"/c/circle{action}", data={}, headers=ORIGIN)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert f"This needs the {least.value} role" in refused.text


@pytest.mark.parametrize(("action", "least"), FORMS)
def test_an_unknown_community_answers_404_before_the_role(
    app_client: TestClient, action: str, least: Role
) -> None:
    sign_in(app_client, BELOW[least])
    missing = app_client.post(f"/c/nowhere{action}", data={}, headers=ORIGIN)
    assert missing.status_code == 404
    assert "No community &#39;nowhere&#39;" in missing.text


def test_a_cross_site_form_is_refused_as_cross_site_before_the_role(
    app_client: TestClient,
) -> None:
    sign_in(app_client, Role.VIEWER)
    refused = app_client.post(
        "/c/circle/suggestions/1/vote",
        data={"value": "1"},
        headers={"Origin": "https://evil.example"},
    )
    assert refused.status_code == 403
    assert "Cross-site request refused" in refused.text


def test_a_facilitator_page_without_a_session_still_redirects_to_sign_in(
    app_client: TestClient,
) -> None:
    answer = app_client.get("/c/circle/settings", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=/c/circle/settings"
