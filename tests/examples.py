"""How many examples a property test of the inner loop draws: all of them in CI (``CI`` set), a
quarter while editing, so `pytest -m "not slow"` stays quick and CI still searches as widely."""

from __future__ import annotations

import os


def examples(n: int) -> int:
    return n if os.environ.get("CI") else max(10, n // 4)
