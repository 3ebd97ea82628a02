"""Thin data: a region with one actual is carried along the trend of its nearest parent.

A district rarely publishes yearly statistics; its city, province or the nation often do. With a
single local actual (often the plan's own baseline), the district's level is taken from that
actual and its movement from the nearest parent (district -> city -> province -> nation) that has
the indicator, in the target's definition when the target has one, and data around the district's
latest year. How the movement is carried over depends on what the quantity is
(``shift_to``): shares in parallel on the logit scale (never outside 0-100%), counts,
money and ratios in proportion (never below zero). Counts and money below ``MIN_RELATIVE_PROXY``
are not carried: one school or zero students does not follow a national growth rate.

For a target year inside the parent's data, the distribution is centred on the parent's
(interpolated) value that year, with the spread of a forecast over the same number of years: what
a trend tells about one district is no surer than a forecast that far ahead.

How much surer a proxy may be is measured, not assumed: each of the 31 provinces' NBS series was
judged through the nation's trend from one provincial value, and the proxy's probabilities are
calibrated on how often those provinces then landed where the carried forecast said
(``forecast.calibration``, paths ``proxy_trend`` and ``proxy_actual``). With 31 provinces as the
evidence, no proxy probability is shown below about 3% or above 97%, and the sentence says the
probability includes the uncertainty of borrowing the trend.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..forecast import calibration
from ..forecast.distribution import Forecast, forward
from ..forecast.ladder import fit_many
from ..units import unit_of
from .pace import pace

__all__ = ["parent_forecast", "parent_change", "parent_fits", "prefit", "parent_year", "carry", "shift_to",
           "too_small", "can_anchor", "MIN_RELATIVE_PROXY"]

MIN_RELATIVE_PROXY = 10


_FITS: dict = {}  # (years, values, year, unit) -> the parent's Forecast for that year (None: none)
_MAX_FITS = 200_000


def _fit_cached(t: tuple, y: tuple, year: int, unit: str):
    """The parent's raw forecast (``carry`` puts the proxy's own calibration on it); None for a
    parent series that cannot be forecast as given (the next parent is tried)."""
    key = (t, y, year, unit)
    if key not in _FITS:
        prefit([key])
    return _FITS[key]


def prefit(keys) -> None:
    """Fit the parents' series that ``parent_forecast`` will ask for (``parent_fits``' keys) all at
    once with ``ladder.fit_many``, raw (a series that cannot be forecast gets None): a national run
    carries tens of thousands of districts along a few thousand (province, indicator, year) trends."""
    todo = [k for k in dict.fromkeys(keys) if k not in _FITS]
    if len(_FITS) + len(todo) > _MAX_FITS:
        _FITS.clear()
    found = fit_many([(np.asarray(k[0]), np.asarray(k[1])) for k in todo], [k[3] for k in todo], [[k[2]] for k in todo],
                     calibrated=False)
    _FITS.update(zip(todo, found))


def too_small(y0_value: float, unit: str) -> bool:
    """A count or sum of money below ``MIN_RELATIVE_PROXY`` follows no parent's growth rate."""
    return unit_of(unit).relative and y0_value < MIN_RELATIVE_PROXY


def can_anchor(t, y, y0_year: float, unit: str) -> bool:
    """Whether a parent's series can carry a child's value of ``y0_year``: two points or more
    around that year, and (shares aside, which move on the logit scale) a positive value there to
    scale by. The verdicts and the calibration's measurement (``evaluation.calibrate``) both ask."""
    return (len(t) >= 2 and t[0] <= y0_year <= t[-1]
            and (unit_of(unit).is_share or float(np.interp(y0_year, t, y)) > 0))


def _nearest_parent(store, regions, region, indicator, breakdown, definition, y0_year, y0_value, unit):
    """(parent, its series, its definition) to carry the child along, nearest first."""
    if too_small(y0_value, unit):
        return
    for parent in regions.ancestors(region):
        s, pdef = store.get(parent, indicator, breakdown, definition)
        if can_anchor(s.year, s.value, y0_year, unit):
            yield parent, s, pdef


def parent_fits(store, regions, region: str, indicator: str, breakdown: str, definition: str | None,
                y0_year: float, y0_value: float, unit: str, years) -> list[tuple]:
    """The keys of the fits ``parent_forecast`` will ask for these ``years`` (for ``prefit``)."""
    for _, s, _ in _nearest_parent(store, regions, region, indicator, breakdown, definition, y0_year, y0_value, unit):
        t, y = s.year, s.value
        return [(tuple(t), tuple(y), parent_year(t, y0_year, yr), unit) for yr in years]
    return []


def parent_forecast(store, regions, region: str, indicator: str, breakdown: str, definition: str | None,
                    y0_year: float, y0_value: float, unit: str, year: int):
    """(forecast for ``year`` on the child's level, parent, parent's definition), or None."""
    for parent, s, pdef in _nearest_parent(store, regions, region, indicator, breakdown, definition, y0_year,
                                           y0_value, unit):
        t, y = s.year, s.value
        fc = _fit_cached(tuple(t), tuple(y), parent_year(t, y0_year, year), unit)
        if fc is None:
            continue
        return carry(fc, t, y, y0_year, y0_value, unit, year, parent), parent, pdef
    return None


def parent_year(t, y0_year: float, year: int) -> int:
    """The year the parent's forecast must reach: the target year itself beyond the parent's data;
    inside it, as many years past the parent's last value as the target is past the child's value
    (the spread of a forecast that far ahead)."""
    return int(year) if year > t[-1] else int(t[-1] + year - y0_year)


def carry(parent_fc: Forecast, t, y, y0_year: float, y0_value: float, unit: str, year: int, parent: str,
          calibrated: bool = True) -> Forecast:
    """The parent's forecast (reaching ``parent_year``) carried onto the child's one value for ``year``.

    Beyond the parent's data the parent's forecast is shifted (``shift_to``); inside it the
    distribution is centred on the parent's (interpolated) value that year. Either way the map of
    ``calibration.apply_proxy`` replaces the parent's own: it gives the spread measured when a
    province's value is judged through the nation's trend (``evaluation.calibrate.proxy_pits``),
    the parent's forecast error and the shift between regions together. ``calibrated=False``: the
    raw carried distribution (what that map is fitted on).
    """
    fc = calibration.raw(parent_fc)
    p0 = float(np.interp(y0_year, t, y))
    if year > t[-1]:
        path = "proxy_trend"
    else:
        i = fc._index(parent_year(t, y0_year, year))
        centre = forward(np.asarray([np.interp(year, t, y)]), fc.transform)
        fc = dataclasses.replace(fc, years=np.asarray([year]), loc=centre, scale=fc.scale[i:i + 1],
                                 model=f"{fc.model}, centred on {parent}'s actual")
        path = "proxy_actual"
    out = shift_to(fc, p0, y0_value, unit, model=f"proxy:{fc.model}")
    return calibration.apply_proxy(out, path, y0_year, unit) if calibrated else out


def parent_change(store, parent: str, indicator: str, breakdown: str, definition: str | None, relative: bool):
    """The parent's own historical pace (per year), the yardstick shown beside a proxy."""
    s, _ = store.get(parent, indicator, breakdown, definition)
    if len(s) < 2:
        return None
    t, y = s.year, s.value
    return pace(t, y, y[-1], int(t[-1]) + 1, relative)["historical_change"]


def shift_to(parent: Forecast, parent_value: float, child_value: float, unit: str, model: str) -> Forecast:
    """A parent region's forecast carried onto a child whose level differs (the proxy path).

    Shares move in parallel on the logit scale, so the child stays inside 0-100%. Quantities that
    cannot be negative (counts, money, students per teacher) are scaled by child/parent, so the
    child keeps the parent's growth rate and stays above zero. Anything else is shifted.
    """
    if parent.transform == "logit":
        d = float(forward(np.asarray([child_value]), "logit")[0] - forward(np.asarray([parent_value]), "logit")[0])
        return dataclasses.replace(parent, loc=parent.loc + d, model=model, last_value=child_value)
    if unit_of(unit).nonnegative:
        k = child_value / parent_value
        if parent.transform == "log":
            return dataclasses.replace(parent, loc=parent.loc + math.log(k), model=model, last_value=child_value)
        lower = None if parent.lower is None else parent.lower * k
        return dataclasses.replace(parent, loc=parent.loc * k, scale=parent.scale * k, lower=lower, model=model,
                                   last_value=child_value)
    d = child_value - parent_value
    lower = None if parent.lower is None else parent.lower + d
    return dataclasses.replace(parent, loc=parent.loc + d, lower=lower, model=model, last_value=child_value)
