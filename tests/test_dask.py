"""Dask: the same pages from a cluster as from the local process pool, and the same failure rules.

Slow (a LocalCluster of two worker processes each time): `pytest -m "not slow"` leaves them out.
"""

import json
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest

# distributed is a dependency: imported by the tests that start a cluster (it costs seconds to import,
# which every `pytest -m "not slow"` would pay at collection)
from indicators.cli.main import main
from indicators.run.runner import run

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_a_running_cluster_gives_byte_identical_pages(tmp_path, built_reports):
    """`--scheduler tcp://...`: a cluster that exists before the run (two worker processes here)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = run(regions=["茌平区", "环翠区"], out=tmp_path / "reports", jobs=2, progress=False,
                     scheduler=cluster.scheduler_address)
    assert result.ok, result.failed
    pool_pages = {Path(r["html"]).name: Path(r["html"]).read_bytes() for r in built_reports.reports}
    dask_pages = {Path(r["html"]).name: Path(r["html"]).read_bytes() for r in result.reports}
    assert len(pool_pages) == 3 and dask_pages.keys() == pool_pages.keys()
    for name, page in pool_pages.items():
        assert dask_pages[name] == page, name  # two runs, two engines, the same bytes
    meta = json.loads((tmp_path / "reports" / "current" / "run.json").read_text(encoding="utf-8"))
    assert meta["parameters"]["scheduler"].startswith("tcp://")


def test_a_region_failing_on_a_worker_is_reported_like_a_local_failure(tmp_path, monkeypatch, capsys):
    """$INDICATORS_SCHEDULER=local; the broken notebook exists only on the client's disk (its text is
    sent), and the worker reads the context from its own temporary file, not the client's."""
    nbdir = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", nbdir)
    nb = nbformat.read(nbdir / "region_report.ipynb", as_version=4)
    # make the notebook fail for one region only (a broken notebook, made up by the test)
    nb.cells.insert(3, nbformat.v4.new_code_cell("if region == '环翠区':\n    raise RuntimeError('boom on a worker')"))
    nbformat.write(nb, nbdir / "region_report.ipynb")
    monkeypatch.setenv("INDICATORS_NOTEBOOKS", str(nbdir))
    monkeypatch.setenv("INDICATORS_SCHEDULER", "local")
    out = tmp_path / "reports"
    out.mkdir()
    (out / "backtest.csv").write_text("kept\n", encoding="utf-8")
    assert main(["run", "--region", "环翠区", "--region", "沧州市", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "FAILED 环翠区: RuntimeError: boom on a worker" in err
    [failed] = list((out / "current" / "failed").glob("*.ipynb"))
    executed = nbformat.read(failed, as_version=4)
    assert "boom on a worker" in failed.read_text(encoding="utf-8")
    context = executed.metadata.papermill.parameters.context
    assert context.startswith(tempfile.gettempdir()) and str(tmp_path) not in context
    index = (out / "current" / "index.html").read_text(encoding="utf-8")
    assert "环翠区" in index and "boom on a worker" in index and failed.name in index
    pages = sorted(p.name for p in (out / "current").glob("*.html"))
    assert pages == sorted(["index.html", "overview.html", next((out / "current").glob("cangzhou-*.html")).name])
    meta = json.loads((out / "current" / "run.json").read_text(encoding="utf-8"))
    assert meta["parameters"]["scheduler"] == "local"
    assert (out / "backtest.csv").read_text(encoding="utf-8") == "kept\n"


def test_assess_on_a_local_cluster_gives_the_same_table():
    import indicators as I

    cat = I.load_catalog()
    act = I.load_actuals([], catalog=cat)
    pd_testing = pytest.importorskip("pandas").testing
    pd_testing.assert_frame_equal(I.assess(cat, act), I.assess(cat, act, jobs=2, scheduler="local"))
