"""`gridroster worker` and `gridroster bench city`: jobs on RQ workers and partitioned city solves."""

from __future__ import annotations
