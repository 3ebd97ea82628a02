"""What "on track" means: the statuses of a target year and the probability thresholds between them.

One home for the verdict rule: ``assess`` applies it, the sentences and tables print it, the command
line and the notebooks take its defaults. A probability at or above ``on_track`` is on track, at or
above ``at_risk`` at risk, below it off track.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["STATUSES", "DEFAULT_ON_TRACK", "DEFAULT_AT_RISK", "Thresholds"]

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
