"""Surge call pages (网格呼叫、街区响应、部门报到): raise a call, the board, departments, after-action."""
