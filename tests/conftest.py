import re
import sys

# Bytecode caches for the package and the tests even where the machine sets PYTHONDONTWRITEBYTECODE
# (container images often do): without them every test worker, and every command a test starts,
# compiles the package and re-rewrites the tests' asserts, about 2 s per process.
sys.dont_write_bytecode = False

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import indicators  # noqa: E402


@pytest.fixture(scope="session")
def catalog():
    """The bundled catalogue, loaded once (loading checks every quote against its source)."""
    return indicators.load_catalog(env=False)


@pytest.fixture
def one_catalog(monkeypatch, catalog):
    """The command line loads the catalogue on every call; reuse the session's copy (same bundled plans).
    Modules that call the CLI many times use it: ``pytestmark = pytest.mark.usefixtures("one_catalog")``."""
    import indicators.plans.catalog

    real = indicators.plans.catalog.load_catalog

    def load(plans=None, **kw):
        return catalog if not plans and not kw else real(plans, **kw)

    monkeypatch.setattr(indicators.plans.catalog, "load_catalog", load)


@pytest.fixture(autouse=True)
def _no_planner_env(monkeypatch):
    # a planner's own INDICATORS_PLANS must not leak into the tests
    monkeypatch.delenv("INDICATORS_PLANS", raising=False)
    pd.set_option("display.width", 200)


# fixtures that execute notebooks: a test that asks for one is slow even without its own mark
NOTEBOOK_FIXTURES = {"built_reports", "planner_run"}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(config, items):
    for item in items:
        if NOTEBOOK_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def pytest_ignore_collect(collection_path, config):
    """Under exactly `-m "not slow"`, a module whose every test is slow (a module-level
    `pytestmark` with pytest.mark.slow: test_dask.py, test_browser.py) is not even imported: importing
    dask.distributed alone takes seconds. Any other run collects it as usual."""
    if config.getoption("markexpr", "").replace(" ", "") != "notslow" or collection_path.suffix != ".py":
        return None
    text = collection_path.read_text(encoding="utf-8")
    return True if re.search(r"^pytestmark\s*=\s*\[?\s*pytest\.mark\.slow\b", text, re.M) else None


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory):
    """Reports for two regions plus the overview, built once per test session with the real runner."""
    from indicators.run.runner import run

    out = tmp_path_factory.mktemp("site") / "reports"
    result = run(regions=["茌平区", "环翠区"], out=out, jobs=2, progress=False)
    assert result.ok, result.failed
    return result


def write_plan(directory, plan_id, region, text, items, regions_yaml=None):
    """Write a synthetic planner plan (source text + YAML) into ``directory`` for a test.

    ``items``: (indicator, year, written, quote) tuples. The data are made up by the tests that
    call this; no real source has them.
    """
    import textwrap
    from pathlib import Path

    d = Path(directory)
    (d / "src.txt").write_text(text, encoding="utf-8")
    if regions_yaml:
        (d / "regions.yaml").write_text(regions_yaml, encoding="utf-8")
    body = "".join(textwrap.dedent(f"""
          - indicator: {k}
            year: {y}
            written: "{w}"
            kind: target
            clause: 一
            quote: "{q}"
        """) for k, y, w, q in items)
    (d / f"{plan_id}.yaml").write_text(textwrap.dedent(f"""
        plan: {{id: {plan_id}, title_zh: 测试, title_en: Test, region: {region}, level: district, issuer: null,
               document_number: null, issued: null, source: src.txt, period: [2020, 2022], domain: vocational}}
        targets:""") + body, encoding="utf-8")
    return d / f"{plan_id}.yaml"
