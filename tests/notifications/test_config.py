"""Configuration: the embedded defaults, Twilio and SMTP from settings, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from notifications.config import ConfigError, mailer_from_env, sms_sender_from_env
from notifications.email.folder import FolderMailer
from notifications.email.smtp import SmtpMailer
from notifications.messages import Sms
from notifications.sms.outbox_log import OutboxLogSmsSender
from notifications.sms.twilio import TwilioSmsSender
from tests.notifications.twilio_stub import TwilioStub


def test_no_settings_give_the_outbox_log_sender_and_the_folder_mailer(tmp_path: Path) -> None:
    sender = sms_sender_from_env({}, instance_dir=tmp_path)
    mailer = mailer_from_env({}, instance_dir=tmp_path)
    assert isinstance(sender, OutboxLogSmsSender) and sender.path == tmp_path / "sms-outbox.jsonl"
    assert isinstance(mailer, FolderMailer)


def test_twilio_settings_build_a_sender_that_talks_to_the_configured_api_base(
    twilio_stub: TwilioStub,
) -> None:
    sender = sms_sender_from_env(
        {
            "GRIDROSTER_SMS_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": twilio_stub.account_sid,
            "TWILIO_AUTH_TOKEN": twilio_stub.auth_token,
            "TWILIO_MESSAGING_SERVICE_SID": "MG" + "2" * 32,
            "GRIDROSTER_TWILIO_API_BASE": twilio_stub.url,
        }
    )
    assert isinstance(sender, TwilioSmsSender)
    sender.send(Sms(to="+8613812345678", body="测试", key="k"))
    assert dict(twilio_stub.creates()[0].form)["MessagingServiceSid"] == "MG" + "2" * 32


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"GRIDROSTER_SMS_BACKEND": "aliyun"}, "GRIDROSTER_SMS_BACKEND"),
        ({"GRIDROSTER_SMS_BACKEND": "twilio"}, "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"),
        (
            {"GRIDROSTER_SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t"},
            "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID",
        ),
        (
            {
                "GRIDROSTER_SMS_BACKEND": "twilio",
                "TWILIO_ACCOUNT_SID": "AC1",
                "TWILIO_AUTH_TOKEN": "t",
                "TWILIO_FROM_NUMBER": "+1",
                "TWILIO_MESSAGING_SERVICE_SID": "MG1",
            },
            "only one of TWILIO_FROM_NUMBER and TWILIO_MESSAGING_SERVICE_SID",
        ),
        (
            {
                "GRIDROSTER_SMS_BACKEND": "twilio",
                "TWILIO_ACCOUNT_SID": "AC1",
                "TWILIO_AUTH_TOKEN": "t",
                "TWILIO_FROM_NUMBER": "+1",
                "GRIDROSTER_TWILIO_API_BASE": "localhost:4010",
            },
            "GRIDROSTER_TWILIO_API_BASE",
        ),
    ],
    ids=["unknown-backend", "no-credentials", "no-sender", "two-senders", "relative-api-base"],
)
def test_bad_sms_settings_name_the_variable_to_fix(env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError, match=names):
        sms_sender_from_env(env)


def test_smtp_host_gives_the_smtp_mailer() -> None:
    mailer = mailer_from_env(
        {
            "GRIDROSTER_SMTP_HOST": "127.0.0.1",
            "GRIDROSTER_SMTP_PORT": "2525",
            "GRIDROSTER_MAIL_FROM": "a@b.cn",
        }
    )
    assert isinstance(mailer, SmtpMailer)


@pytest.mark.parametrize(
    ("env", "names"),
    [
        (
            {"GRIDROSTER_SMTP_HOST": "mx", "GRIDROSTER_SMTP_PORT": "x", "GRIDROSTER_MAIL_FROM": "a@b"},
            "SMTP_PORT",
        ),
        (
            {"GRIDROSTER_SMTP_HOST": "mx", "GRIDROSTER_SMTP_PORT": "70000", "GRIDROSTER_MAIL_FROM": "a@b"},
            "SMTP_PORT",
        ),
        ({"GRIDROSTER_SMTP_HOST": "mx"}, "GRIDROSTER_MAIL_FROM"),
        (
            {
                "GRIDROSTER_SMTP_HOST": "mx",
                "GRIDROSTER_MAIL_FROM": "a@b",
                "GRIDROSTER_SMTP_STARTTLS": "maybe",
            },
            "STARTTLS",
        ),
    ],
    ids=["port-not-a-number", "port-out-of-range", "no-mail-from", "bad-starttls"],
)
def test_bad_mail_settings_name_the_variable_to_fix(env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError, match=names):
        mailer_from_env(env)
