"""What "on track" means: how a target is read, the statuses of a target year and the thresholds between them.

One home for the verdict rule: ``assess`` applies it, the sentences and tables print it, the command
line and the notebooks take its defaults. A probability at or above ``on_track`` is on track, at or
above ``at_risk`` at risk, below it off track.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .units import unit_of

__all__ = ["STATUSES", "DEFAULT_ON_TRACK", "DEFAULT_AT_RISK", "Thresholds", "DEFAULT_SHARE_TOLERANCE",
           "DEFAULT_RELATIVE_TOLERANCE", "desired_direction", "meets_interval", "meets_band", "inside"]

STATUSES = ("met", "missed", "on_track", "at_risk", "off_track", "insufficient_data")


DEFAULT_ON_TRACK = 0.7
DEFAULT_AT_RISK = 0.3


@dataclass(frozen=True)
class Thresholds:
    """p_meet at or above ``on_track``: on track; at or above ``at_risk``: at risk; below: off track."""

    on_track: float = DEFAULT_ON_TRACK
    at_risk: float = DEFAULT_AT_RISK

    def status(self, p: float) -> str:
        if p >= self.on_track:
            return "on_track"
        if p >= self.at_risk:
            return "at_risk"
        return "off_track"

    def between(self, p: float, q: float) -> float | None:
        """The threshold that separates two readings of one probability (``p`` and ``q``, the same
        probability rounded for print), or None: a printed probability never crosses one, so 0.6956
        reads 69.6% (at risk) with a 0.7 threshold, never 70%."""
        for th in (self.on_track, self.at_risk):
            if (p >= th) != (q >= th):
                return th
        return None


# --- how a target is read -------------------------------------------------------------------------
#
# ``>=`` / ``<=`` are a floor / ceiling; a plain number (``==``) is read through the indicator's
# direction (a floor for higher_is_better, a ceiling for lower_is_better) and is a band for
# ``planned`` indicators; ``~`` (左右, 大体相当) is a band. A band is the target's own tolerance, else
# DEFAULT_SHARE_TOLERANCE points for shares and DEFAULT_RELATIVE_TOLERANCE of the value otherwise.

def desired_direction(direction: str, comparator: str) -> int:
    """+1 when progress means going up, -1 down, 0 when either way can be progress (a band)."""
    if comparator == ">=" or (comparator == "==" and direction == "higher_is_better"):
        return 1
    if comparator == "<=" or (comparator == "==" and direction == "lower_is_better"):
        return -1
    return 0


DEFAULT_SHARE_TOLERANCE = 2.0      # percentage points


DEFAULT_RELATIVE_TOLERANCE = 0.05  # 5% of the target value


def meets_interval(value: float, comparator: str, direction: str, unit: str, value_high: float | None = None,
                   tolerance: float | None = None) -> tuple[float | None, float | None]:
    """The interval [low, high] of outcomes that meet a target (None: unbounded)."""
    low, high, _ = meets_band(value, comparator, direction, unit, value_high, tolerance)
    return low, high


def meets_band(value, comparator, direction, unit, value_high=None, tolerance=None):
    """(low, high, tolerance used) of ``meets_interval``: the tolerance only when a band decides."""
    high_v = value if value_high is None or pd.isna(value_high) else value_high
    if tolerance is None or pd.isna(tolerance):
        tolerance = DEFAULT_SHARE_TOLERANCE if unit_of(unit).is_share else abs(value) * DEFAULT_RELATIVE_TOLERANCE
    side = desired_direction(direction, comparator)
    if side == 1:
        return value, None, None
    if side == -1:
        return None, high_v, None
    low = value - tolerance
    if unit_of(unit).nonnegative:
        low = max(low, 0.0)  # a band never reaches below what the quantity can be
    high = high_v + tolerance
    if unit_of(unit).is_share:
        high = min(high, 100.0)
    return low, high, float(tolerance)


def inside(x: float, low, high) -> bool:
    """Whether an outcome meets the interval of ``meets_interval``: bounds inclusive, 1e-9 tolerance."""
    return (low is None or x >= low - 1e-9) and (high is None or x <= high + 1e-9)
