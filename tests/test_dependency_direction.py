"""The dependency direction of DESIGN.md, checked by importing each package in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

FORBIDDEN = {
    "optimizer": {"flask", "sqlalchemy", "alembic", "scheduler", "web", "notifications", "twilio"},
    "notifications": {"flask", "sqlalchemy", "scheduler", "web"},
    "scheduler": {"flask", "web"},
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_nothing_above_it(package: str) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        f"bad = {sorted(FORBIDDEN[package])!r}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(bad)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
