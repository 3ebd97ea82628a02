"""A worker keeps its kernel between notebooks (run/execute.py): each notebook still sees a fresh
kernel (empty namespace, execution count 1), and a kernel that failed is never used again."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from indicators.run import execute as ex

pytestmark = pytest.mark.slow  # executes notebooks


def _job(key: str, *cells: str) -> dict:
    nb = new_notebook(cells=[new_code_cell("# parameters\nregion = None", metadata={"tags": ["parameters"]}),
                             *[new_code_cell(c) for c in cells]])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return {"key": key, "region": None, "notebook_text": nbformat.writes(nb), "parameters": {"region": key},
            "title": key, "kernel": ex.kernel_name(), "timeout": 120}


def _outputs(r: dict) -> list[str]:
    nb = json.loads(r["notebook_text"])
    return ["".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def _counts(r: dict) -> list:
    return [c["execution_count"] for c in json.loads(r["notebook_text"])["cells"] if c["cell_type"] == "code"]


@pytest.fixture
def worker(tmp_path):
    # a kernel another test left in this process (tests share processes under pytest-xdist) is not
    # this test's: each starts with none
    ex._WARM.drop_all()
    yield tmp_path
    ex._WARM.drop_all()


def test_the_next_notebook_reuses_the_kernel_and_sees_a_fresh_one(worker):
    pid = "import os; print(os.getpid())"
    a = ex.execute(_job("a", "leftover = 1", pid), context="")
    b = ex.execute(_job("b", "print('leftover' in dir(), region)", pid), context="")
    assert a["error"] is None and b["error"] is None
    assert _outputs(b)[0].split() == ["False", "b"]  # the last notebook's names are gone, its parameter is its own
    assert _outputs(a)[-1] == _outputs(b)[-1]  # the same kernel process
    assert _counts(a)[0] == _counts(b)[0] == 1 and _counts(b) == list(range(1, len(_counts(b)) + 1))


def test_a_failed_notebook_takes_its_kernel_with_it(worker):
    pid = "import os; print(os.getpid())"
    a = ex.execute(_job("a", pid), context="")
    bad = ex.execute(_job("bad", "raise ValueError('no')"), context="")
    c = ex.execute(_job("c", pid), context="")
    assert bad["error"] == "ValueError: no" and bad["cell"]["first_line"] == "raise ValueError('no')"
    assert a["error"] is None and c["error"] is None and _outputs(a)[-1] != _outputs(c)[-1]


def test_a_kernel_that_died_is_replaced(worker):
    pid = "import os; print(os.getpid())"
    a = ex.execute(_job("a", pid), context="")
    ex._WARM.km().provisioner.process.kill()  # the kernel dies between two notebooks
    b = ex.execute(_job("b", pid), context="")
    assert b["error"] is None and _outputs(a)[-1] != _outputs(b)[-1]


def test_the_worker_warm_up_imports_without_binding_names(worker):
    ex.warm_up(ex.kernel_name())
    r = ex.execute(_job("a", "import sys; print(sorted(m for m in ('pandas', 'matplotlib.pyplot') if m in sys.modules),"
                            " 'pandas' in dir())"), context="")
    assert r["error"] is None and _outputs(r)[0].strip() == "['matplotlib.pyplot', 'pandas'] False"
