"""`gridroster bench curtois`: the figures name the commit and the machine's cores they came from."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from optimizer.params import SolveParams
from optimizer.problem import Problem
from optimizer.solution import Solution
from web.cli import main

INSTANCE1 = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "curtois" / "Instance1.txt"


def test_bench_curtois_json_records_the_commit_and_the_core_count() -> None:
    assert INSTANCE1.is_file(), f"the shared benchmark folder is missing: {INSTANCE1}"
    result = CliRunner().invoke(main, ["bench", "curtois", str(INSTANCE1), "--seconds", "2", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=Path(__file__).parent, capture_output=True, text=True
    ).stdout.strip()
    assert figures["commit"] == (head or "unknown")
    assert figures["cores"] == os.cpu_count()
    assert figures["hard_violations"] == 0


def test_bench_curtois_passes_its_seed_to_the_solver_and_reports_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import optimizer.bench_curtois as bench_curtois

    seeds: list[int] = []
    real_solve = bench_curtois.solve

    def solve(problem: Problem, params: SolveParams | None = None) -> Solution:
        assert params is not None
        seeds.append(params.seed)
        return real_solve(problem, params)

    monkeypatch.setattr(bench_curtois, "solve", solve)
    for args, seed in (([], 1), (["--seed", "7"], 7)):
        result = CliRunner().invoke(
            main, ["bench", "curtois", str(INSTANCE1), "--seconds", "1", "--json", *args]
        )
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["seed"] == seed
        assert seeds[-1] == seed
