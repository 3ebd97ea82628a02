"""Executing the report notebooks: papermill in a worker, on a local process pool or a Dask cluster.

Each worker keeps one warm kernel (``_WarmKernels``, handed to papermill through its engine hook):
a notebook is still a real papermill run, in a kernel reset before it (empty namespace, execution
count 1), without importing pandas, matplotlib and the package again; the local workers start and
warm their kernels while the client computes the context (``start_pool``, ``warm_up``).

A worker reads nothing from the client's disk and writes nothing the client reads: it gets the
notebook as text and the context (computed once by the client) as bytes or a path, and sends back
the executed notebook and its HTML as text. When a cell fails, the worker names it as papermill's
``PapermillExecutionError`` does: its index, its execution count, its first line and its tags.
"""

from __future__ import annotations

import contextlib
import gc
import os
import tempfile
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from ..parallel import dask_client
from .page import export_html

__all__ = ["execute", "stable_cell_ids", "kernel_name", "on_pool", "on_dask", "describe_cell", "start_pool",
           "kill_pool", "local_workers", "warm_up", "WARM_IMPORTS"]

_STDERR_LOCK = threading.Lock()


def kernel_name() -> str:
    """The project's kernel (``indicators``) when registered, else python3."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return "indicators" if "indicators" in specs else "python3"


def execute(job: dict, context: bytes | str | None = None) -> dict:
    """Worker (a pool process or a Dask worker): execute one notebook with papermill, export it.

    Reads nothing from the client's disk and writes nothing the client reads: the notebook comes as
    text, its context as bytes (or, in the local pool, the path of the client's file: ``job["context"]``
    when not given), small files the client attaches (``job["attachments"]``: parameter -> (file name,
    text)) as text, and the executed notebook and its HTML go back as text. The client writes and
    publishes them."""
    context = job["context"] if context is None else context
    import nbformat

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="indicators-") as tmp:
        tmp = Path(tmp)
        params = dict(job["parameters"])
        if isinstance(context, bytes):
            (tmp / "context.pickle").write_bytes(context)
            context = str(tmp / "context.pickle")
        params["context"] = context
        for name, (file_name, text) in (job.get("attachments") or {}).items():  # e.g. the previous run's rows
            (tmp / file_name).write_text(text, encoding="utf-8")
            params[name] = str(tmp / file_name)
        (tmp / "input.ipynb").write_text(job["notebook_text"], encoding="utf-8")
        out_nb, log = tmp / "executed.ipynb", tmp / "kernel.log"
        error, cell = _papermill_quietly(job, params, tmp / "input.ipynb", out_nb, log)
        nb_text = html_text = None
        if out_nb.exists():
            nb = nbformat.read(out_nb, as_version=4)
            if cell is not None:
                cell["tags"] = _failed_cell_tags(nb, cell)
            stable_cell_ids(nb)
            nb.metadata["title"] = job["title"]
            if error is None:
                html_text = export_html(nb)
            nb_text = nbformat.writes(nb)
        log_text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return {"key": job["key"], "region": job.get("region"), "error": error, "cell": cell, "html_text": html_text,
            "notebook_text": nb_text, "log_text": log_text, "seconds": round(time.perf_counter() - started, 2)}


def _papermill_quietly(job: dict, params: dict, notebook: Path, out_nb: Path, log: Path):
    """``_papermill`` with the kernel's own chatter (transport warnings, shutdown notices) sent to a
    log, not the terminal; fd 2 is process-wide, so only one thread of a worker redirects it at a time."""
    redirect = _STDERR_LOCK.acquire(blocking=False)
    if redirect:
        saved_stderr = os.dup(2)
        with open(log, "ab") as f:
            os.dup2(f.fileno(), 2)
    try:
        return _papermill(job, params, notebook, out_nb, cwd=notebook.parent)
    finally:
        if redirect:
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
            _STDERR_LOCK.release()


def stable_cell_ids(nb) -> None:
    """Papermill gives the cells it adds (injected parameters, error markers) random ids, which
    nbconvert writes into the page (id="cell-id=..."): name them by tag and position instead, so two
    runs give byte-identical pages. The notebook's own cells keep their committed ids."""
    seen = set()
    for i, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            cell["id"] = f"papermill-error-{i}"
        if cell.get("id") in seen:  # never two cells with one id
            cell["id"] = f"cell-{i}"
        seen.add(cell.get("id"))


def _papermill(job: dict, params: dict, notebook: Path, out_nb: Path, cwd: Path) -> tuple[str | None, dict | None]:
    """(error, failed cell): a cell error is final, a kernel that fails to start gets one retry.

    The notebook runs in this worker's warm kernel (``_WarmKernels``): papermill executes it as
    always (parameters injected, every cell run, the executed notebook written), but a kernel that
    has run a notebook already has pandas, matplotlib and the package imported. Before each notebook
    its namespace is cleared and its execution count set back to 1, so the notebook sees a fresh
    kernel; after any failure the kernel is killed and the next notebook gets a new one."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    _register_engine()
    error = None
    name = job.get("kernel") or kernel_name()
    for _attempt in range(2):
        try:
            _WARM.prepare(name, cwd)
            pm.execute_notebook(str(notebook), str(out_nb), parameters=params, kernel_name=name,
                                progress_bar=False, cwd=str(cwd), execution_timeout=job["timeout"],
                                start_timeout=120, engine_name=_ENGINE)
            _WARM.done()
            return None, None
        except PapermillExecutionError as exc:  # a cell failed: no retry, keep the executed notebook
            _WARM.drop()
            return f"{exc.ename}: {exc.evalue}", _failed_cell(exc)
        except Exception as exc:  # kernel did not start or died: try once more, in a new kernel
            _WARM.drop()
            error = f"{type(exc).__name__}: {exc}"
    return error, None


_ENGINE = "indicators-warm"


class _WarmKernels:
    """One kernel per worker thread, kept between notebooks (at most ``MAX_USES`` of them, so its
    memory stays bounded); killed after a failure and when the worker process ends."""

    MAX_USES = 100
    # into the worker's own folder first (the notebook's is removed after it), as reset reads the
    # working directory; silent: nothing broadcast, the execution count untouched
    RESET = ("__import__('os').chdir({cwd!r}); get_ipython().reset(new_session=True); "
             "__import__('gc').collect()")

    def __init__(self):
        self.forget()
        os.register_at_fork(after_in_child=self.forget)  # a forked worker starts with no kernel of its own

    def forget(self) -> None:
        self.local = threading.local()
        self.all: list = []
        self.lock = threading.Lock()
        self.finalizer = None
        self.home = None

    def current(self):
        return getattr(self.local, "kernel", None)  # [name, km, uses, pending reset] or None

    def prepare(self, name: str, cwd: Path) -> None:
        """Make sure this thread has a live kernel of ``name``, reset since its last notebook. A new
        kernel is started by papermill's engine (``_WarmEngine``), in ``cwd`` as papermill does."""
        k = self.current()
        if k is not None:
            try:
                self._await_reset(k)
            except Exception:  # a kernel that cannot be reset is not used again
                self.drop()
                k = None
        if k is not None and (k[0] != name or k[2] >= self.MAX_USES or not _run(k[1].is_alive)()):
            self.drop()
            k = None
        if k is None:
            from jupyter_client.manager import AsyncKernelManager

            self.local.kernel = [name, AsyncKernelManager(kernel_name=name), 0, None]
            with self.lock:
                self.all.append(self.local.kernel[1])
                if self.finalizer is None:
                    import atexit
                    import multiprocessing.util

                    # a pool worker ends through multiprocessing (no atexit), a Dask worker normally
                    self.finalizer = multiprocessing.util.Finalize(None, self.drop_all, exitpriority=10)
                    atexit.register(self.drop_all)
                if not self.home:  # where a kernel waits between notebooks (theirs are removed)
                    _sweep_homes()
                    self.home = tempfile.mkdtemp(prefix=f"indicators-kernel-{os.getpid()}-")

    def km(self):
        k = self.current()
        return None if k is None else k[1]

    def done(self) -> None:
        """A notebook ran: count it and send the reset now, so the kernel clears its namespace while
        this worker exports the page; the next ``prepare`` collects the reply."""
        k = self.current()
        if k is None:
            return
        k[2] += 1
        kc = k[1].blocking_client()
        kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        k[3] = (kc, kc.execute(self.RESET.format(cwd=self.home), silent=True, store_history=False))

    @staticmethod
    def _await_reset(k) -> None:
        if k[3] is None:
            return
        kc, msg_id = k[3]
        k[3] = None
        try:
            while True:
                reply = kc.get_shell_msg(timeout=60)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            if reply["content"].get("status") != "ok":
                raise RuntimeError(f"could not reset the kernel: {reply['content'].get('evalue')}")
        finally:
            kc.stop_channels()

    def drop(self) -> None:
        """Kill this thread's kernel (a new one is started for the next notebook)."""
        k = self.current()
        self.local.kernel = None
        if k is not None:
            if k[3] is not None:
                with contextlib.suppress(Exception):
                    k[3][0].stop_channels()
            self._kill(k[1])

    def drop_all(self) -> None:
        import shutil

        with self.lock:
            kms, self.all = self.all, []
        for km in kms:
            self._kill(km)
        if self.home:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None

    def _kill(self, km) -> None:
        with self.lock:
            if km in self.all:
                self.all.remove(km)
        with contextlib.suppress(Exception):
            if km.has_kernel:
                _run(km.shutdown_kernel)(now=True)
        with contextlib.suppress(Exception):
            _run(km.cleanup_resources)()


def _sweep_homes() -> None:
    """Remove the folders of workers that were killed (SIGKILL leaves no time to clean up): named
    for the worker's pid, removed when no such process lives."""
    import shutil

    import psutil

    for d in Path(tempfile.gettempdir()).glob("indicators-kernel-*-*"):
        try:
            pid = int(d.name.split("-")[2])
        except (IndexError, ValueError):
            continue
        if not psutil.pid_exists(pid):
            shutil.rmtree(d, ignore_errors=True)


def _run(fn):
    from jupyter_core.utils import run_sync

    return run_sync(fn)


_WARM = _WarmKernels()
_REGISTERED: list = []


def _register_engine() -> None:
    """papermill's engine hook: its own nbclient engine, handed this worker's kernel, which it starts
    when new and never shuts down (nbclient leaves a kernel it was given running)."""
    if _REGISTERED:
        return
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class _WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            import logging

            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            client = PapermillNotebookClient(nb_man, km=_WARM.km(), **merge_kwargs(
                kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                log=logging.getLogger("papermill"), log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file))
            try:
                return client.execute()
            finally:
                if client.kc is not None:  # the kernel stays; this notebook's connection to it goes
                    client.kc.stop_channels()

    papermill_engines.register(_ENGINE, _WarmEngine)
    _REGISTERED.append(_ENGINE)


def _failed_cell(exc) -> dict:
    """The cell papermill names: its index in the executed notebook (the injected parameters cell
    counted), its execution count and its first line of code."""
    lines = [ln.strip() for ln in str(exc.source or "").splitlines() if ln.strip()]
    return {"index": exc.cell_index, "exec_count": exc.exec_count, "first_line": lines[0][:80] if lines else "",
            "tags": []}


def _failed_cell_tags(nb, cell: dict) -> list[str]:
    """The tags of the failed cell, found in the stored notebook by its error output (papermill adds
    marker cells before it, so its index there is no longer papermill's)."""
    for c in nb.cells:
        if c.get("cell_type") == "code" and c.get("execution_count") == cell["exec_count"] and any(
                o.get("output_type") == "error" for o in c.get("outputs", [])):
            return [t for t in c.get("metadata", {}).get("tags", []) if t != "papermill-error-cell-tag"]
    return []


def describe_cell(cell: dict | None) -> str:
    """'cell 4 (In [3], tag charts): rep = region_report(...)', or '' when no cell is known."""
    if not cell:
        return ""
    where = f"In [{cell['exec_count']}]" + (f", tag {', '.join(cell['tags'])}" if cell.get("tags") else "")
    return f"cell {cell['index']} ({where}): {cell['first_line']}"


def start_pool(jobs: int, kernel: str | None) -> ProcessPoolExecutor:
    """The local worker processes, started before the context is computed: each starts its kernel
    and imports what a report needs in it (``warm_up``) while the client judges the targets."""
    pool = ProcessPoolExecutor(max_workers=max(1, jobs), initializer=_worker_start, initargs=(kernel,))
    pool.submit(int)  # with fork, the first task starts every worker (and so its warm-up)
    return pool


@contextlib.contextmanager
def local_workers(scheduler: str | None, jobs: int):
    """``start_pool`` for a run without a Dask ``scheduler`` (else None); killed on the way out
    (after ``on_pool`` finished with it, there is nothing left to kill)."""
    pool = None if scheduler else start_pool(jobs, kernel_name())
    try:
        yield pool
    finally:
        if pool is not None:
            kill_pool(pool)


def on_pool(jobs_list: list[dict], jobs: int, pool: ProcessPoolExecutor | None = None):
    """The default: worker processes of this machine (``pool``, from ``start_pool``, or new ones),
    each notebook reading its own context file (``job["context"]``) from staging.

    Each worker leads its own process group and dies with the client (``_worker_start``); when the
    client stops early (an error, SIGTERM, Ctrl-C) the workers and their kernels are killed, not
    waited for, so no process outlives the run."""
    pool = pool or start_pool(jobs, None)
    finished = False
    try:
        futures = {pool.submit(execute, j): j for j in jobs_list}
        for fut in as_completed(futures):
            yield futures[fut], fut
        pool.shutdown(wait=True)
        finished = True
    finally:
        if not finished:
            kill_pool(pool)


# what every report kernel imports, done once per warm kernel before its first notebook
WARM_IMPORTS = ("pandas", "matplotlib.pyplot", "IPython.display", "indicators.reports.context")


def warm_up(kernel: str) -> None:
    """Start this worker's kernel and import in it what a report needs; the names are not bound, so
    the first notebook's namespace is as empty as in a new kernel. A failure here is no failure:
    the first notebook then starts its own kernel."""
    try:
        _WARM.prepare(kernel, Path(tempfile.gettempdir()))
        km = _WARM.km()
        # the kernel's own chatter (transport warnings) to a log in the worker's folder, not the terminal
        with open(Path(_WARM.home) / "kernel.log", "ab") as log:
            _run(km.start_kernel)(cwd=_WARM.home, stderr=log)
        kc = km.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=120)
            code = "".join(f"__import__('importlib').import_module({m!r})\n" for m in WARM_IMPORTS)
            kc.execute_interactive(code, silent=True, store_history=False, timeout=120, output_hook=lambda m: None)
        finally:
            kc.stop_channels()
    except Exception:
        _WARM.drop()


def _worker_start(kernel: str | None = None) -> None:
    """In a pool worker: its own process group (so it can be killed as one) and SIGKILL when the
    client dies, even by kill -9 (Linux PR_SET_PDEATHSIG). Its kernels, which jupyter_client starts
    in their own session, exit when their parent goes (ipykernel's parent poller)."""
    import ctypes
    import signal

    os.setpgrp()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    # the client turns SIGTERM/SIGINT into cleanup; a worker just stops
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # the client's tables, inherited by fork, are never scanned by this worker's garbage collector, so
    # their pages stay shared instead of being copied into every worker
    gc.freeze()
    if kernel:
        warm_up(kernel)


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """SIGKILL every worker's process group and every kernel it started, then drop the pool."""
    import signal

    import psutil

    workers = list((getattr(pool, "_processes", None) or {}).values())
    victims = []
    for w in workers:
        with contextlib.suppress(psutil.Error):
            victims += psutil.Process(w.pid).children(recursive=True)
    for w in workers:
        with contextlib.suppress(OSError):
            os.killpg(w.pid, signal.SIGKILL)
    for v in victims:
        with contextlib.suppress(psutil.Error):
            v.kill()
    manager = getattr(pool, "_executor_manager_thread", None)  # shutdown forgets it
    pool.shutdown(wait=False, cancel_futures=True)
    # let the pool's manager thread see the dead workers and close its pipes now: left running, it
    # races the interpreter's exit hook on the same pipe (CPython gh-125451, fixed after 3.11), and
    # the exit prints a traceback after the run's own clear message
    if manager is not None:
        manager.join(timeout=10)


def on_dask(jobs_list: list[dict], scheduler: str, jobs: int):
    """A Dask cluster (``parallel.dask_client``): each job goes with its own context as bytes (a few
    hundred kB for a region), no shared disk. At most a few jobs per worker are in flight, so the
    client and the scheduler never hold every region's context at once. Results are yielded as they
    arrive."""
    from distributed import as_completed as dask_completed

    with dask_client(scheduler, jobs) as client:
        workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        todo = list(jobs_list)
        futures: dict = {}

        def submit() -> None:
            j = todo.pop(0)
            job = {k: v for k, v in j.items() if k != "context"}
            fut = client.submit(execute, job, Path(j["context"]).read_bytes(), pure=False,
                                key=f"indicators-{j['key']}-{uuid.uuid4().hex}")
            futures[fut] = j
            running.add(fut)

        running = dask_completed()
        while todo and len(futures) < 4 * workers:
            submit()
        for fut in running:
            yield futures.pop(fut), fut
            if todo:
                submit()
