"""Surge settings: defaults fit the 30-minute rule; bad values are clear errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.errors import DomainError
from scheduler.surge.models import Tier
from scheduler.surge.policy import SurgePolicy


def test_surge_policy_defaults_fit_the_30_minute_rule() -> None:
    policy = SurgePolicy.from_env({})
    assert [t.tier for t in policy.tiers] == [Tier.COMMUNITY, Tier.STREET, Tier.DEPARTMENT]
    assert policy.escalation_span == timedelta(minutes=30)
    assert (policy.over_ask, policy.answer_window, policy.block_minutes) == (1.5, timedelta(minutes=5), 240)
    assert [policy.to_ask(n) for n in (0, 1, 2, 6)] == [0, 2, 3, 9]


def test_surge_policy_reads_the_environment() -> None:
    policy = SurgePolicy.from_env(
        {
            "GRIDROSTER_SURGE_TIERS": "street:10:0,community:3:5",
            "GRIDROSTER_SURGE_OVER_ASK": "2",
            "GRIDROSTER_SURGE_ANSWER_MINUTES": "3",
            "GRIDROSTER_SURGE_BLOCK_HOURS": "6",
        }
    )
    tiers = {t.tier: (t.wait, t.quota) for t in policy.tiers}
    assert tiers[Tier.COMMUNITY] == (timedelta(minutes=3), 5)
    assert tiers[Tier.STREET] == (timedelta(minutes=10), 0)
    assert tiers[Tier.DEPARTMENT] == (timedelta(minutes=20), 60)  # not given: the default
    assert (policy.over_ask, policy.answer_window, policy.block_minutes) == (2.0, timedelta(minutes=3), 360)


@pytest.mark.parametrize(
    "env",
    [
        {"GRIDROSTER_SURGE_TIERS": "village:5:1"},
        {"GRIDROSTER_SURGE_TIERS": "community"},
        {"GRIDROSTER_SURGE_TIERS": "community:0:5"},
        {"GRIDROSTER_SURGE_OVER_ASK": "0.5"},
        {"GRIDROSTER_SURGE_ANSWER_MINUTES": "soon"},
    ],
)
def test_surge_policy_bad_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(DomainError) as info:
        SurgePolicy.from_env(env)
    assert info.value.code == "bad_setting" and info.value.message_en
