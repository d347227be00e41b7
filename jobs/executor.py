"""Where a job's tasks run: this process, a local process pool, or a dask.distributed cluster.

Ingest, reparse and the January job map one function over many items through an
:class:`Executor`: results come back in input order; a task that raised, ran past its time
limit or whose worker died is that item's failure (``failed(args, exception)``), never the
batch's; and at most a window of tasks is in flight, so the driver holds a few results at a
time, not one per item.  Workers only compute: they read (documents, the archive, the work
folder) and return what the driver writes, so the archive and the work folder have one writer
and the results are byte for byte the same whichever executor ran the tasks.

dask.distributed is imported only when it is asked for (``--executor dask``).  Its workers
run tasks in threads, where no signal reaches a parse: there the time limit is a watchdog
that raises in the task's thread, with the same Chinese message as the parse's own alarm.
pdfium is not thread-safe: a dask worker must have one thread (``--nthreads 1``).
"""

from __future__ import annotations

import ctypes
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from gknb.parsers.source import Timeout, time_limit

LOCAL, DASK = "local", "dask"
KINDS = (LOCAL, DASK)
WINDOW = 4  # tasks in flight per worker: enough to keep every worker busy, few results held
CONNECT_SECONDS = 10
_ADDRESS = re.compile(r"(tcp|tls)://[^\s/:]+:[0-9]{1,5}")

Job = tuple[str, tuple]  # (label for progress and messages, the function's arguments)
Progress = Callable[[int, int, str], None]  # (i, n, label), after each result, in order


class ExecutorError(Exception):
    """No cluster to run on (dask not installed, a scheduler that cannot be reached); Chinese."""


def timeout_message(seconds: float) -> str:
    """What a task past its time limit says: the parse's own words (``gknb.parsers.source``)."""
    return f"处理超时（超过{seconds:g}秒）：文件可能异常或结构过于复杂"


class TaskTimeout(Exception):
    """A task stopped by the executor's watchdog (the message is Chinese, naming the item)."""


def limited(fn: Callable[..., Any], args: tuple, seconds: float | None, label: str) -> Any:
    """fn(*args) under a time limit: the parse's alarm in a main thread, a watchdog elsewhere."""
    if not seconds:
        return fn(*args)
    if threading.current_thread() is threading.main_thread():
        with time_limit(seconds, label):
            return fn(*args)
    return _watched(fn, args, seconds, label)


def _watched(fn: Callable[..., Any], args: tuple, seconds: float, label: str) -> Any:
    """Raise Timeout in this thread once ``seconds`` have passed, every 5 ms until it lands
    (one raised inside a finalizer is swallowed, as an alarm would be).  Disarmed before the
    task's result or exception leaves, so that no Timeout reaches the worker's own code."""
    tid, done, lock, injected = threading.get_ident(), threading.Event(), threading.Lock(), [False]

    def watch() -> None:
        if done.wait(seconds):
            return
        while True:
            with lock:
                if done.is_set():
                    return
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), ctypes.py_object(Timeout))
                injected[0] = True
            if done.wait(0.005):
                return

    def disarm() -> None:
        while True:
            try:
                with lock:  # the watcher injects only under the lock, and never once done is set
                    done.set()
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(tid), None)  # one not yet raised
                return
            except Timeout:  # one injected before we took the lock, landing here: again
                continue

    threading.Thread(target=watch, daemon=True).start()
    try:
        try:
            result = fn(*args)
        finally:
            disarm()
    except Timeout:
        disarm()
        raise TaskTimeout(f"{label}：{timeout_message(seconds)}") from None
    if injected[0]:  # past the limit, every Timeout swallowed (in a finalizer): a timeout all the same
        raise TaskTimeout(f"{label}：{timeout_message(seconds)}")
    return result


class Executor:
    """Runs ``fn`` over jobs; see the module's docstring.  Use as a context manager."""

    workers = 1

    def map(self, fn: Callable[..., Any], jobs: Sequence[Job], failed: Callable[[tuple, BaseException], Any],
            progress: Progress | None = None, timeout: float | None = None) -> Iterator[Any]:
        """fn(*args) for each job, in input order; ``failed(args, e)`` for one that did not finish."""
        for i, (label, args, get) in enumerate(self._run(fn, jobs, timeout), 1):
            try:
                result = get()
            except Exception as e:  # noqa: BLE001 -- a worker killed (memory), a result that did not pickle
                result = failed(args, e)
            if progress:
                progress(i, len(jobs), label)
            yield result

    def _run(self, fn: Callable[..., Any], jobs: Sequence[Job], timeout: float | None
             ) -> Iterator[tuple[str, tuple, Callable[[], Any]]]:
        for label, args in jobs:
            yield label, args, lambda args=args, label=label: limited(fn, args, timeout, label)

    def apart(self, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(*args) in a worker, never in this process: one large task (the batch's Word notice of
        every agency) whose memory the driver must not keep.  Raises what the task raised."""
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(fn, *args).result()

    def close(self) -> None:
        pass

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _windowed(submit: Callable[[str, tuple], Any], jobs: Sequence[Job], window: int,
              result: Callable[[Any], Any]) -> Iterator[tuple[str, tuple, Callable[[], Any]]]:
    """Submit ahead at most ``window`` jobs; hand them back in order, each dropped once taken."""
    pending: deque[tuple[str, tuple, Any]] = deque()
    it = iter(jobs)
    for label, args in it:
        pending.append((label, args, submit(label, args)))
        if len(pending) >= window:
            break
    while pending:
        label, args, fut = pending.popleft()
        yield label, args, lambda fut=fut: result(fut)
        for label2, args2 in it:  # refill one
            pending.append((label2, args2, submit(label2, args2)))
            break


class Local(Executor):
    """This process for one worker or one job, else a process pool for the length of a map."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1

    def _run(self, fn: Callable[..., Any], jobs: Sequence[Job], timeout: float | None
             ) -> Iterator[tuple[str, tuple, Callable[[], Any]]]:
        if self.workers == 1 or len(jobs) <= 1:
            yield from super()._run(fn, jobs, timeout)
            return
        with ProcessPoolExecutor(max_workers=min(self.workers, len(jobs))) as pool:
            def submit(label: str, args: tuple) -> Future:
                return pool.submit(limited, fn, args, timeout, label)
            yield from _windowed(submit, jobs, WINDOW * self.workers, lambda f: f.result())


class Dask(Executor):
    """A dask.distributed cluster: the scheduler at ``scheduler``, else a LocalCluster of
    ``workers`` processes with one thread each."""

    def __init__(self, scheduler: str | None = None, workers: int | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError("未安装 dask.distributed，无法使用 --executor dask"
                                "（请安装：pip install 'gknb[cluster]'）") from None
        self.cluster = None
        if scheduler is None:
            self.cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                        processes=True, dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            if not _ADDRESS.fullmatch(scheduler):
                raise ExecutorError(f"调度器地址“{scheduler}”格式不对：应为 tcp://主机:端口（例如 tcp://10.0.0.5:8786）")
            try:
                self.client = Client(scheduler, timeout=f"{CONNECT_SECONDS}s")
            except (OSError, TimeoutError) as e:
                raise ExecutorError(f"无法连接 dask 调度器 {scheduler}（{CONNECT_SECONDS}秒内没有响应：{e}）；"
                                    "请确认调度器已启动（dask scheduler）、地址和端口正确、防火墙已放行") from None
        self.workers = max(1, sum(self.client.nthreads().values()))

    def _run(self, fn: Callable[..., Any], jobs: Sequence[Job], timeout: float | None
             ) -> Iterator[tuple[str, tuple, Callable[[], Any]]]:
        def submit(label: str, args: tuple) -> Any:
            return self.client.submit(limited, fn, args, timeout, label, pure=False)

        def result(fut: Any) -> Any:
            try:
                return fut.result()
            finally:
                fut.release()

        yield from _windowed(submit, jobs, WINDOW * self.workers, result)

    def apart(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False).result()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make(kind: str = LOCAL, *, workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor a command asked for (``--executor``, ``--workers``, ``--scheduler``)."""
    if kind == DASK:
        return Dask(scheduler, workers)
    if scheduler is not None:
        raise ExecutorError("--scheduler 只能与 --executor dask 一起使用")
    return Local(workers)
