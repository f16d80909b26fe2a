"""Solver parameters: time limit, workers, seed, deterministic mode."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SolveParams:
    """How to solve. ``workers`` 0 means the machine's cores.

    ``deterministic`` runs one worker with a fixed seed and a deterministic time limit
    (``seconds`` is then read as CP-SAT deterministic time), so the same input gives the same
    roster on any machine load: the test mode.
    """

    seconds: float = 10.0
    workers: int = 0
    seed: int = 1
    deterministic: bool = False
    log: bool = False

    def worker_count(self) -> int:
        if self.deterministic:
            return 1
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)


TEST_PARAMS = SolveParams(seconds=5.0, workers=1, seed=1, deterministic=True)
