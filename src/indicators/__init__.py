"""indicators: yearly targets of Chinese vocational-education plans, real actuals, forecasts and
risk flags.

The small public API:

- ``load_catalog()``: every plan and its targets, each number with its verbatim source quote.
- ``check_plans(catalog)``: conflicts and internal inconsistencies of the plans, never edited.
- ``load_actuals(files, catalog=...)``: bundled statistics, plan baselines and planner files,
  validated, in canonical units, each row with its source.
- ``assess(catalog, actuals, as_of=None, ...)``: one row per dated target with status,
  probability, pace and a plain explanation.
- ``fit_forecast(years, values, horizon_years, unit)``: the forecast ladder for one series.
- ``run(...)``: execute the report notebooks and publish HTML (what ``make reports`` does).
"""

from .version import __version__  # noqa: E402,F401

from .actuals.load import Actuals, load_actuals  # noqa: E402
from .plans.checks import check_plans  # noqa: E402
from .errors import CatalogError, IndicatorsError, ParseError, Problem, Severity, UnitError, ValidationError  # noqa: E402
from .forecast.distribution import Forecast  # noqa: E402
from .forecast.ladder import fit_forecast  # noqa: E402
from .parse import Quantity, parse_quantity  # noqa: E402
from .verdicts.assess import assess  # noqa: E402
from .rules import Thresholds
from .plans.plan_file import Plan  # noqa: E402
from .plans.catalog import Catalog, load_catalog  # noqa: E402
from .units import conversion_factor, lookup_unit  # noqa: E402


def run(*args, **kwargs):
    """Execute the report notebooks and publish HTML reports (see ``indicators.run.runner.run``)."""
    from .run.runner import run as _run

    return _run(*args, **kwargs)


__all__ = [
    "Actuals", "Catalog", "CatalogError", "Forecast", "IndicatorsError", "ParseError", "Plan", "Problem",
    "Quantity", "Severity", "Thresholds", "UnitError", "ValidationError", "assess", "check_plans", "conversion_factor",
    "fit_forecast", "load_actuals", "load_catalog", "lookup_unit", "parse_quantity", "run", "__version__",
]
