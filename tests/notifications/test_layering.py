"""notifications/ stays a delivery layer: it imports neither scheduler/ nor web/, Flask nor SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import notifications

FORBIDDEN = {"scheduler", "web", "flask", "sqlalchemy"}


def test_importing_every_notifications_module_pulls_in_no_scheduler_web_flask_or_orm() -> None:
    package = Path(notifications.__file__).parent
    modules = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).with_suffix("").parts
        modules.append(
            ".".join(["notifications", *parts[:-1]] + ([] if parts[-1] == "__init__" else [parts[-1]]))
        )
    assert "notifications.sms.twilio" in modules  # the walk found the package
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {FORBIDDEN!r}))"
    )
    root = package.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "[]"
