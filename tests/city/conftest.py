"""Fixtures for city-scale tests: a real Redis (GRIDROSTER_TEST_REDIS_URL) and real `gridroster worker`s.

Without GRIDROSTER_TEST_REDIS_URL every Redis test fails with a message saying how to start one:
it never silently skips (scripts/test and .ci/run start Redis and set it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from redis import Redis

from tests.conftest import fresh_url

GRIDROSTER = Path(sys.executable).with_name("gridroster")


@pytest.fixture
def redis_url() -> Iterator[str]:
    url = os.environ.get("GRIDROSTER_TEST_REDIS_URL")
    if not url:
        pytest.fail(
            "GRIDROSTER_TEST_REDIS_URL is not set: start a throwaway Redis with "
            "`eval $(scripts/services.sh start)` or run the README's test command (scripts/test)"
        )
    r = Redis.from_url(url)
    r.flushdb()  # the test's own Redis database: no jobs left from an earlier run
    try:
        yield url
    finally:
        r.flushdb()
        r.close()


@pytest.fixture
def pg_url(tmp_path: Path) -> str:
    """An empty PostgreSQL database the test owns (workers in other processes commit to it)."""
    return fresh_url("postgresql", tmp_path)


class Workers:
    """`gridroster worker` processes started by a test; stopped (SIGTERM, then SIGKILL) at its end."""

    def __init__(self, tmp_path: Path, redis_url: str, database_url: str) -> None:
        self.tmp_path = tmp_path
        self.env = dict(
            os.environ,
            GRIDROSTER_REDIS_URL=redis_url,
            GRIDROSTER_DATABASE_URL=database_url,
            GRIDROSTER_SMS_OUTBOX_LOG=str(tmp_path / "sms.jsonl"),
            GRIDROSTER_INSTANCE_PATH=str(tmp_path / "instance"),
            GRIDROSTER_QUIET_HOURS="off",  # workers use the real clock: it may be night in Shanghai
        )
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, queues: str, *, burst: bool = False) -> subprocess.Popen[bytes]:
        n = len(self.procs)
        args = [str(GRIDROSTER), "worker", "--queues", queues, "--name", f"test-{os.getpid()}-{n}"]
        args += ["--burst"] if burst else []
        with (self.tmp_path / f"worker{n}.log").open("wb") as log:  # the child keeps its own copy
            # Own process group: a test can kill the worker with its work-horse, as a lost machine would.
            proc = subprocess.Popen(args, env=self.env, stdout=log, stderr=log, start_new_session=True)
        self.procs.append(proc)
        return proc

    def run_burst(self, queues: str, timeout: float = 120) -> None:
        proc = self.start(queues, burst=True)
        assert proc.wait(timeout) == 0, self.log()

    def log(self) -> str:
        return "\n".join(p.read_text("utf-8", "replace") for p in sorted(self.tmp_path.glob("worker*.log")))

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


@pytest.fixture
def workers(tmp_path: Path, redis_url: str, pg_url: str) -> Iterator[Workers]:
    w = Workers(tmp_path, redis_url, pg_url)
    try:
        yield w
    finally:
        w.stop()


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


def children(pid: int) -> set[int]:
    """Child processes of ``pid`` (Linux /proc)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(c) for c in path.read_text().split()} if path.exists() else set()
