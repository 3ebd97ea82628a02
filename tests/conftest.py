import pandas as pd
import pytest

import indicators


@pytest.fixture(scope="session")
def catalog():
    """The bundled catalogue, loaded once (loading checks every quote against its source)."""
    return indicators.load_catalog(env=False)


@pytest.fixture(autouse=True)
def _no_planner_env(monkeypatch):
    # a planner's own INDICATORS_PLANS must not leak into the tests
    monkeypatch.delenv("INDICATORS_PLANS", raising=False)
    pd.set_option("display.width", 200)
