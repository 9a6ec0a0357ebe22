"""A member answers a poll on a phone-width screen (375 px), without an account."""

from __future__ import annotations

from service.polls import service as polls
from service.storage import db
from service.storage.repositories import communities
from service.storage.tables import Answer, PollBallot, PollVolunteer
from tests.web.test_next_session_browser import _community_with_suggestions


def test_a_member_answers_a_poll_on_a_phone(page, live_server: dict[str, str]) -> None:  # noqa: ANN001
    _token, made = _community_with_suggestions(live_server, slug="poll-phone")
    engine = db.make_engine(f"sqlite:///{live_server['env_db']}")
    with db.transaction(engine) as session:
        community = communities.get(session, "poll-phone")
    poll = polls.create(engine, community, author="test")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server['base']}/p/{poll['token']}")
    assert "/signin" not in page.url  # no account needed
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    first, second = (t["suggestion_id"] for t in poll["topics"][:2])
    topic = page.locator(f"#topic-{first}")
    assert topic.locator("legend").inner_text() == made[0]["title"]
    topic.get_by_label("Your rank for it").fill("2")
    page.locator(f"#topic-{second}").get_by_label("Your rank for it").fill("1")
    topic.get_by_label("Angles or examples").fill("What the last reorg taught the finance team.")
    topic.get_by_label("I could share an experience").check()
    page.get_by_label("Contact, only if you offered").fill("member@example.org")
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_role("status").filter(has_text="Thank you: your answer is in.").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    with db.transaction(engine) as session:
        ballots = session.query(PollBallot).filter_by(poll_id=poll["id"]).all()
        offers = session.query(PollVolunteer).filter_by(poll_id=poll["id"]).all()
        angle = session.query(Answer).filter(Answer.text.like("%finance team%")).count()
    engine.dispose()
    assert [b.ranking for b in ballots] == [[second, first]]
    assert [(o.suggestion_id, o.kind, o.contact) for o in offers] == [
        (first, "experience", "member@example.org")
    ]
    assert angle == 1
