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
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..forecast.batch import fit_many
from ..forecast.ladder import Forecast, _forward, fit_forecast
from ..units import unit_of
from .pace import pace

__all__ = ["parent_forecast", "parent_change", "parent_fits", "prefit", "MIN_RELATIVE_PROXY"]

MIN_RELATIVE_PROXY = 10


_FITS: dict = {}  # (years, values, year, unit) -> the parent's Forecast for that year (None: none)
_MAX_FITS = 200_000


def _fit_cached(t: tuple, y: tuple, year: int, unit: str):
    key = (t, y, year, unit)
    if key not in _FITS:
        if len(_FITS) >= _MAX_FITS:
            _FITS.clear()
        _FITS[key] = fit_forecast(np.asarray(t), np.asarray(y), [year], unit)
    return _FITS[key]


def prefit(keys) -> None:
    """Fit the parents' series that ``parent_forecast`` will ask for (``parent_fits``' keys) all at
    once with ``batch.fit_many`` (equal to one ``fit_forecast`` per series to 1e-9): a national run
    carries tens of thousands of districts along a few thousand (province, indicator, year) trends."""
    todo = [k for k in dict.fromkeys(keys) if k not in _FITS]
    if len(_FITS) + len(todo) > _MAX_FITS:
        _FITS.clear()
    found = fit_many([(np.asarray(k[0]), np.asarray(k[1])) for k in todo], [k[3] for k in todo], [[k[2]] for k in todo])
    _FITS.update(zip(todo, found))


def _nearest_parent(store, regions, region, indicator, breakdown, definition, y0_year, y0_value, unit):
    """(parent, its series, its definition, its value in ``y0_year``) to carry the child along; None:
    none, or "stop" when the child is too small to follow a relative trend."""
    for parent in regions.ancestors(region):
        s, pdef = store.get(parent, indicator, breakdown, definition)
        if len(s) < 2:
            continue
        t, y = s.year, s.value
        if not t[0] <= y0_year <= t[-1]:
            continue  # no parent value to anchor the child's latest actual on
        p0 = float(np.interp(y0_year, t, y))
        if unit_of(unit).relative and y0_value < MIN_RELATIVE_PROXY:
            yield "stop"
            return
        if not unit_of(unit).is_share and p0 <= 0:
            continue
        yield parent, s, pdef, p0


def parent_fits(store, regions, region: str, indicator: str, breakdown: str, definition: str | None,
                y0_year: float, y0_value: float, unit: str, years) -> list[tuple]:
    """The keys of the fits ``parent_forecast`` will ask for these ``years`` (for ``prefit``)."""
    for found in _nearest_parent(store, regions, region, indicator, breakdown, definition, y0_year, y0_value, unit):
        if found == "stop":
            return []
        t = found[1].year
        return [(tuple(t), tuple(found[1].value), int(yr if yr > t[-1] else t[-1] + yr - y0_year), unit)
                for yr in years]
    return []


def parent_forecast(store, regions, region: str, indicator: str, breakdown: str, definition: str | None,
                    y0_year: float, y0_value: float, unit: str, year: int):
    """(forecast for ``year`` on the child's level, parent, parent's definition), or None."""
    for found in _nearest_parent(store, regions, region, indicator, breakdown, definition, y0_year, y0_value, unit):
        if found == "stop":
            return None
        parent, s, pdef, p0 = found
        fc = _parent_fit(s.year, s.value, y0_year, year, unit, parent)
        if fc is None:
            continue
        return shift_to(fc, p0, y0_value, unit, model=f"proxy:{fc.model}"), parent, pdef
    return None


def _parent_fit(t, y, y0_year, year, unit, parent):
    if year > t[-1]:
        return _fit_cached(tuple(t), tuple(y), int(year), unit)
    fc = _fit_cached(tuple(t), tuple(y), int(t[-1] + year - y0_year), unit)
    if fc is None:
        return None
    centre = _forward(np.asarray([np.interp(year, t, y)]), fc.transform)
    return dataclasses.replace(fc, years=np.asarray([year]), loc=centre, scale=fc.scale[-1:],
                               model=f"{fc.model}, centred on {parent}'s actual")


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
        d = float(_forward(np.asarray([child_value]), "logit")[0] - _forward(np.asarray([parent_value]), "logit")[0])
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
