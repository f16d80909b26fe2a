"""Replies: 1/2 with a code, full-width digits, opt-out and opt-in keywords, and the rest unknown."""

from __future__ import annotations

import pytest

from notifications.inbound import Reply, ReplyKind, parse_reply

C, D, OUT, IN, HELP, UNK = (
    ReplyKind.CONFIRM,
    ReplyKind.DECLINE,
    ReplyKind.OPT_OUT,
    ReplyKind.OPT_IN,
    ReplyKind.HELP,
    ReplyKind.UNKNOWN,
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("1 4821", Reply(C, "4821")),
        ("2 4821", Reply(D, "4821")),
        ("  1   4821  ", Reply(C, "4821")),
        ("１ ４８２１", Reply(C, "4821")),  # full-width digits from a Chinese input method
        ("１　４８２１", Reply(C, "4821")),  # ... and an ideographic space
        ("1，4821", Reply(C, "4821")),
        ("14821", Reply(C, "4821")),
        ("2-4821。", Reply(D, "4821")),
        ("1", Reply(C, None)),
        ("2", Reply(D, None)),
        ("确认 4821", Reply(C, "4821")),
        ("拒绝", Reply(D, None)),
        ("退订", Reply(OUT)),
        ("TD", Reply(OUT)),
        ("td", Reply(OUT)),
        ("T", Reply(OUT)),
        ("STOP", Reply(OUT)),
        ("stop", Reply(OUT)),
        ("Stop!", Reply(OUT)),
        ("STOPALL", Reply(OUT)),
        ("UNSUBSCRIBE", Reply(OUT)),
        ("CANCEL", Reply(OUT)),
        ("END", Reply(OUT)),
        ("QUIT", Reply(OUT)),
        ("REVOKE", Reply(OUT)),
        ("OPTOUT", Reply(OUT)),
        ("START", Reply(IN)),
        ("YES", Reply(IN)),  # Twilio opts the sender back in on YES: it is not a confirmation
        ("UNSTOP", Reply(IN)),
        ("HELP", Reply(HELP)),
        ("3 4821", Reply(UNK)),
        ("1 48", Reply(UNK)),  # a code is 4-8 digits
        ("please stop", Reply(UNK)),  # only single-word messages are keywords
        ("好的", Reply(UNK)),
        ("", Reply(UNK)),
    ],
)
def test_parse_reply(body: str, expected: Reply) -> None:
    assert parse_reply(body) == expected
