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


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory):
    """Reports for two regions plus the overview, built once per test session with the real runner."""
    from indicators.runner import run

    out = tmp_path_factory.mktemp("site") / "reports"
    result = run(regions=["茌平区", "环翠区"], out=out, jobs=2, progress=False)
    assert result.ok, result.failed
    return result
