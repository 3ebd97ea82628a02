"""Work spread over processes of this machine or a Dask cluster, results in input order.

One home for how the package runs things in parallel: ``assess`` partitions its regions here; the
``scheduler`` argument means the same everywhere (None: this machine's processes; ``"local"``: a
``distributed.LocalCluster`` of ``jobs`` worker processes; ``"tcp://host:8786"``: a running
cluster, also read from ``$INDICATORS_SCHEDULER``). Large shared inputs are sent once per worker
(a pool initializer, or Dask's scatter), never once per task, and no shared disk is assumed.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from .errors import IndicatorsError

__all__ = ["map_ordered", "dask_client", "scheduler_from_env"]

_SHARED: Any = None


def scheduler_from_env(scheduler: str | None) -> str | None:
    return scheduler or os.environ.get("INDICATORS_SCHEDULER") or None


@contextmanager
def dask_client(scheduler: str, jobs: int) -> Iterator[Any]:
    """A ``distributed.Client``: a LocalCluster of ``jobs`` processes for ``"local"``, else the address."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise IndicatorsError("--scheduler needs Dask: pip install dask distributed") from exc
    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            yield client
    finally:
        if cluster is not None:
            cluster.close()


def _keep_shared(shared: Any) -> None:
    global _SHARED
    _SHARED = shared


def _with_shared(fn: Callable, item: Any) -> Any:
    return fn(_SHARED, item)


def map_ordered(fn: Callable[[Any, Any], Any], items: list, shared: Any = None, jobs: int = 1,
                scheduler: str | None = None) -> list:
    """``[fn(shared, item) for item in items]``, on ``jobs`` local processes or a Dask cluster."""
    scheduler = scheduler_from_env(scheduler)
    if scheduler:
        with dask_client(scheduler, jobs) as client:
            remote = client.scatter(shared, broadcast=True)
            futures = [client.submit(fn, remote, item, pure=False) for item in items]
            return client.gather(futures)
    if jobs <= 1 or len(items) <= 1:
        return [fn(shared, item) for item in items]
    with ProcessPoolExecutor(max_workers=jobs, initializer=_keep_shared, initargs=(shared,)) as pool:
        return list(pool.map(_with_shared, [fn] * len(items), items))
