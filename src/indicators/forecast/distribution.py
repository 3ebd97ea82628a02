"""What a forecast is: a predictive distribution per future year, and the scales it lives on.

Every forecast is a location-scale Student-t (or normal) distribution per year on the model scale
(logit for shares in percent, log for positive ratios or log-linear growth, else the unit itself),
censored below at ``lower`` when the quantity cannot go lower. Probabilities come from its CDF,
exactly and deterministically (no sampling noise).

Censoring (counts, money, areas: ``units.Unit.nonnegative``): the probability the model gives to
values below zero is the probability of exactly zero. So every quantile is a possible value (an
interval that would cross zero starts at zero), and the mass at zero counts wherever zero meets a
target: P(count >= 0) is 1 (up to ``P_LIMIT``), not the probability of a positive value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import calibration as calib  # calibration seam

__all__ = ["Forecast", "forward", "inverse", "P_LIMIT", "EPS_SHARE", "Z80"]

EPS_SHARE = 0.1     # percent: shares are clipped to [0.1, 99.9] before the logit
P_LIMIT = 0.001     # no forecast probability is closer to 0 or 1 than this
Z80 = 1.2815515655446004  # the normal 0.9-quantile: half an 80% interval in sds


def _special():
    """scipy.special, imported on first use (scipy costs a second to import; notebooks that read a
    precomputed context never need it)."""
    global _SPECIAL
    if _SPECIAL is None:
        from scipy import special

        _SPECIAL = special
    return _SPECIAL


_SPECIAL = None


def _cdf(x: np.ndarray, df: float) -> np.ndarray:
    """Student-t (or normal) CDF: the ufuncs scipy.stats itself calls, without its per-call overhead."""
    return _special().stdtr(df, x) if np.isfinite(df) else _special().ndtr(x)


def _ppf(q, df: float):
    return _special().stdtrit(df, q) if np.isfinite(df) else _special().ndtri(q)


def forward(y: np.ndarray, transform: str | None) -> np.ndarray:
    """Values onto the model scale: logit of a share (clipped to ``EPS_SHARE``), log, or as is."""
    y = np.asarray(y, dtype=float)
    if transform == "logit":
        p = np.clip(y, EPS_SHARE, 100 - EPS_SHARE) / 100
        return np.log(p / (1 - p))
    if transform == "log":
        return np.log(y)
    return y


def inverse(z: np.ndarray, transform: str | None) -> np.ndarray:
    """Model-scale values back into the unit."""
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore"):
        if transform == "logit":
            return 100 / (1 + np.exp(-z))
        if transform == "log":
            return np.exp(z)
    return z


@dataclass(frozen=True)
class Forecast:
    """Predictive distributions for future years on the model scale (location-scale Student-t or
    normal, censored below at ``lower`` when the quantity cannot go lower), plus their quantiles."""

    model: str
    years: np.ndarray                      # forecast years
    loc: np.ndarray                        # location on the model scale
    scale: np.ndarray                      # scale on the model scale (always > 0)
    df: float                              # Student-t degrees of freedom (inf: normal)
    transform: str | None                  # None, "logit" (shares in percent) or "log"
    last_year: int
    last_value: float
    n: int
    cv_error: dict = field(default_factory=dict)  # rolling-origin MAE of each ranked model, when compared
    lower: float | None = None             # censoring point on the model scale (0 for counts)
    # calibration seam (forecast/calibration.py): per forecast year the map from the model's
    # probabilities to calibrated ones, read by quantile, cdf and prob; () is the raw model
    calibration: tuple = ()

    def quantile(self, q: float) -> np.ndarray:
        out = self.loc + self.scale * _ppf(calib.levels(self.calibration, q, len(self.loc)), self.df)
        if self.lower is not None:
            out = np.maximum(out, self.lower)  # censored: the mass below zero sits at zero
        return inverse(out, self.transform)

    @property
    def median(self) -> np.ndarray:
        """Point forecast: the median, back-transformed (inside 0-100% for shares, >= 0 for counts)."""
        return self.quantile(0.5)

    def interval(self, level: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
        a = (1 - level) / 2
        return self.quantile(a), self.quantile(1 - a)

    def cdf(self, year: int, value: float) -> float:
        """P(Y_year <= value); the probability of a value below ``lower`` is zero, of ``lower``
        itself the censored mass."""
        i = self._index(year)
        z = forward(np.asarray([value]), self.transform)[0]
        if self.lower is not None and z < self.lower:
            return 0.0
        u = float(_cdf((z - self.loc[i]) / self.scale[i], self.df))
        return calib.probability(self.calibration, i, u)  # calibration seam

    def _below(self, year: int, value: float) -> float:
        """P(Y_year < value): as ``cdf`` but without the censored mass at ``lower`` itself."""
        z = forward(np.asarray([value]), self.transform)[0]
        if self.lower is not None and z <= self.lower:
            return 0.0
        return self.cdf(year, value)

    def prob(self, year: int, low: float | None = None, high: float | None = None) -> float:
        """P(low <= Y_year <= high); None is unbounded. Never closer to 0 or 1 than ``P_LIMIT``, nor
        than the calibration's evidence allows (``calibration.floor``): a forecast of a year not yet
        observed is never certain. A range holding every possible value (a count at least 0) gets
        1 - ``P_LIMIT``, a range below what the quantity can be ``P_LIMIT``."""
        p_high = self.cdf(year, high) if high is not None else 1.0
        p_low = self._below(year, low) if low is not None else 0.0
        if p_high <= 0.0:  # calibration seam: entirely below what the quantity can be (a negative count)
            return P_LIMIT
        if p_high >= 1.0 and p_low <= 0.0:  # every possible value: no model needed to be sure
            return 1.0 - P_LIMIT
        limit = max(P_LIMIT, calib.floor(self.calibration, self._index(year)))  # calibration seam
        return float(min(1.0 - limit, max(limit, p_high - p_low)))

    def _index(self, year: int) -> int:
        hits = np.flatnonzero(self.years == year)
        if not len(hits):
            raise KeyError(f"no forecast for {year}; forecast years are {self.years.tolist()}")
        return int(hits[0])

    def at(self, year: int) -> dict:
        """Median and 80%/95% interval for one year, in the indicator's unit."""
        i = self._index(year)
        lo80, hi80 = self.interval(0.8)
        lo95, hi95 = self.interval(0.95)
        return dict(forecast=float(self.median[i]), lo80=float(lo80[i]), hi80=float(hi80[i]),
                    lo95=float(lo95[i]), hi95=float(hi95[i]))

    def frame(self) -> pd.DataFrame:
        lo80, hi80 = self.interval(0.8)
        lo95, hi95 = self.interval(0.95)
        return pd.DataFrame({"year": self.years, "forecast": self.median, "lo80": lo80, "hi80": hi80,
                             "lo95": lo95, "hi95": hi95, "model": self.model})
