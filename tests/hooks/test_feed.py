"""The personal calendar feed at /cal/<token>.ics: the person's shifts with the invitations' UIDs."""

from __future__ import annotations

import vobject
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from scheduler.outbox.models import Channel
from tests.scheduler.notify_support import Published, outbox_rows


def test_the_feed_lists_the_persons_shifts_with_the_same_uids_and_sequence_as_the_invitations(
    client: FlaskClient, session: Session, published: Published
) -> None:
    seen = 0
    for person in published.people:
        response = client.get(f"/cal/{person.link_token}.ics")
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        cal = vobject.readOne(response.get_data(as_text=True))
        fed = {e.uid.value: int(e.sequence.value) for e in getattr(cal, "vevent_list", [])}
        invited = {
            r.payload["event"]["uid"]: r.payload["event"]["sequence"]
            for r in outbox_rows(session, kind="offer", channel=Channel.EMAIL)
            if r.person_id == person.id
        }
        assert fed == invited
        seen += len(fed)
    assert seen == 2  # both shifts, each in its person's feed


def test_an_unknown_feed_token_is_404(client: FlaskClient) -> None:
    assert client.get("/cal/nobody-has-this-token.ics").status_code == 404
