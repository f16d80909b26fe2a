"""How a surge call escalates and asks: tier waits and quotas, over-asking, answer window, blocks.

Defaults follow 吹哨报到 (CHINA.md §2.1): departments must be on the spot within 30 minutes of the
whistle, so the community and the street get 5 minutes each and the departments the remaining 20;
30 minutes after the call, an unfilled call is reported as past the deadline.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from scheduler.errors import ValidationError
from scheduler.surge.models import TIER_ORDER, Tier


@dataclass(frozen=True, slots=True)
class TierPolicy:
    tier: Tier
    wait: timedelta  # how long this tier is given before the next one is asked
    quota: int  # the most people this tier is asked over the whole call (0: no limit)

    def as_dict(self) -> dict[str, Any]:
        return {"tier": self.tier.value, "wait_minutes": self.wait.total_seconds() / 60, "quota": self.quota}


DEFAULT_TIERS = (
    TierPolicy(Tier.COMMUNITY, timedelta(minutes=5), 40),
    TierPolicy(Tier.STREET, timedelta(minutes=5), 80),
    TierPolicy(Tier.DEPARTMENT, timedelta(minutes=20), 60),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SurgePolicy:
    tiers: tuple[TierPolicy, ...] = DEFAULT_TIERS
    over_ask: float = 1.5  # ask this many times the people still missing (GRIDROSTER_SURGE_OVER_ASK)
    answer_window: timedelta = timedelta(minutes=5)  # GRIDROSTER_SURGE_ANSWER_MINUTES
    block_minutes: int = 240  # rolling block of an open-ended call (GRIDROSTER_SURGE_BLOCK_HOURS)
    horizon: timedelta = timedelta(hours=12)  # blocks of an open call exist this far ahead
    min_rest_minutes: int = 30  # the roster's rest rule (GRIDROSTER_MIN_REST_MINUTES)
    max_minutes_per_day: int = 600  # the roster's daily cap (GRIDROSTER_MAX_HOURS_PER_DAY)
    department_due: timedelta = timedelta(minutes=30)  # 吹哨报到: on the spot within 30 minutes
    replan_seconds: float = 10.0  # re-plan of routine shifts people were taken from

    def tier(self, tier: Tier) -> TierPolicy:
        return next(t for t in self.tiers if t.tier is tier)

    @property
    def escalation_span(self) -> timedelta:
        """The whole escalation: every tier's wait (30 minutes by default, as 吹哨报到)."""
        return sum((t.wait for t in self.tiers), timedelta())

    def to_ask(self, missing: int) -> int:
        return math.ceil(missing * self.over_ask - 1e-9) if missing > 0 else 0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SurgePolicy:
        """Read GRIDROSTER_SURGE_* (see docs/surge.md); a bad value is a clear error."""
        env = os.environ if env is None else env
        tiers = parse_tiers(env.get("GRIDROSTER_SURGE_TIERS", ""))
        return cls(
            tiers=tiers,
            over_ask=_number(env, "GRIDROSTER_SURGE_OVER_ASK", 1.5, low=1.0),
            answer_window=timedelta(minutes=_number(env, "GRIDROSTER_SURGE_ANSWER_MINUTES", 5, low=1)),
            block_minutes=int(_number(env, "GRIDROSTER_SURGE_BLOCK_HOURS", 4, low=1) * 60),
            horizon=timedelta(hours=_number(env, "GRIDROSTER_SURGE_HORIZON_HOURS", 12, low=1)),
            min_rest_minutes=int(_number(env, "GRIDROSTER_MIN_REST_MINUTES", 30, low=0)),
            max_minutes_per_day=int(_number(env, "GRIDROSTER_MAX_HOURS_PER_DAY", 10, low=1) * 60),
            replan_seconds=_number(env, "GRIDROSTER_REPLAN_SECONDS", 10, low=0.1),
        )

    @classmethod
    def from_call(
        cls, call_policy: list[dict[str, Any]], *, over_ask: float, answer_minutes: int
    ) -> SurgePolicy:
        """The policy stored with a call when it was raised (a later change of settings does not move it)."""
        base = cls.from_env()
        tiers = tuple(
            TierPolicy(Tier(t["tier"]), timedelta(minutes=float(t["wait_minutes"])), int(t["quota"]))
            for t in call_policy
        )
        return cls(
            tiers=tiers or base.tiers,
            over_ask=over_ask,
            answer_window=timedelta(minutes=answer_minutes),
            block_minutes=base.block_minutes,
            horizon=base.horizon,
            min_rest_minutes=base.min_rest_minutes,
            max_minutes_per_day=base.max_minutes_per_day,
            replan_seconds=base.replan_seconds,
        )


def _number(env: Mapping[str, str], name: str, default: float, *, low: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return float(default)
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValidationError(
            "bad_setting", f"{name} 应为数字：{raw!r}", f"{name} must be a number: {raw!r}"
        ) from exc
    if value < low:
        raise ValidationError("bad_setting", f"{name} 不能小于 {low}", f"{name} must be at least {low}")
    return value


def parse_tiers(spec: str) -> tuple[TierPolicy, ...]:
    """ "community:5:40,street:5:80,department:20:60" (tier:wait minutes:quota) → policies in tier order."""
    if not spec.strip():
        return DEFAULT_TIERS
    given: dict[Tier, TierPolicy] = {}
    for part in spec.split(","):
        bits = [b.strip() for b in part.split(":")]
        try:
            tier = Tier(bits[0])
            wait = float(bits[1])
            quota = int(bits[2]) if len(bits) > 2 else 0
        except (ValueError, IndexError) as exc:
            raise ValidationError(
                "bad_setting",
                f"GRIDROSTER_SURGE_TIERS 写法应为 community:5:40,street:5:80,department:20:60：{part!r}",
                f"GRIDROSTER_SURGE_TIERS must look like community:5:40,street:5:80,department:20:60: "
                f"{part!r}",
            ) from exc
        if wait <= 0 or quota < 0:
            raise ValidationError(
                "bad_setting",
                "等待时间须大于 0，名额不能为负",
                "a tier's wait must be > 0 and its quota >= 0",
            )
        given[tier] = TierPolicy(tier, timedelta(minutes=wait), quota)
    defaults = {t.tier: t for t in DEFAULT_TIERS}
    return tuple(given.get(t, defaults[t]) for t in TIER_ORDER)
