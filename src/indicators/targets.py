"""Old name of ``catalog.py``, kept so that code written against ``indicators.targets`` still imports.

Import from ``indicators.catalog`` (``Catalog``, ``load_catalog``) and ``indicators.plan_file``
(``Plan``, ``LineLoader``) instead; this module goes once no branch uses it.
"""

from .catalog import *  # noqa: F401,F403
from .catalog import __all__, load_catalog  # noqa: F401
from .plan_file import LineLoader as _LineLoader  # noqa: F401
