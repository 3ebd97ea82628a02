"""indicators: yearly targets of Chinese vocational-education plans, real actuals, forecasts and
risk flags.

The small public API:

- ``load_catalog()``: every plan and its targets, each number with its verbatim source quote.
- ``check_plans(catalog)``: conflicts and internal inconsistencies of the plans, never edited.
"""

from .checks import check_plans
from .errors import CatalogError, IndicatorsError, Problem, ValidationError
from .parse import ParseError, Quantity, parse_quantity
from .targets import Catalog, Plan, load_catalog
from .units import UnitError, conversion_factor, lookup_unit

__version__ = "0.1.0"

__all__ = [
    "Catalog", "CatalogError", "IndicatorsError", "ParseError", "Plan", "Problem", "Quantity", "UnitError",
    "ValidationError", "check_plans", "conversion_factor", "load_catalog", "lookup_unit", "parse_quantity",
    "__version__",
]
