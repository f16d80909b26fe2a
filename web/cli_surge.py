"""`gridroster surge ...` and `bench surge`: emergency surge calls (网格呼叫、街区响应、部门报到)."""

from __future__ import annotations
