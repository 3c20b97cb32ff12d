"""Run one function in a forked child process beside the caller, and collect its result.

The demo's generators are pure Python and single-threaded; on a machine with two or more cores
the ones that depend only on the World can run beside the group ERP. ``fork`` hands the child
the caller's objects as they are (a scale-10 World is not pickled); only the result travels
back, pickled through a pipe.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ForkedJob(Generic[T]):
    """A child process running ``fn(*args)``; ``result()`` waits and returns or raises."""

    def __init__(self, fn: Callable[..., T], *args: Any) -> None:
        ctx = multiprocessing.get_context("fork")
        self._receive, send = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_child, args=(send, fn, args), daemon=True)
        self._process.start()
        send.close()  # the child holds the only writing end: EOF means it died

    def result(self) -> T:
        try:
            ok, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(
                f"the demo's side process ended without a result "
                f"(exit code {self._process.exitcode})"
            ) from None
        self._process.join()
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


@contextmanager
def run_forked(fn: Callable[..., T], *args: Any) -> Iterator[ForkedJob[T]]:
    """``fn(*args)`` in a child for the duration of the block; stopped if the block fails."""
    job = ForkedJob(fn, *args)
    try:
        yield job
    except BaseException:
        job.stop()
        raise
    job.stop()


def _child(send: Any, fn: Callable[..., Any], args: tuple) -> None:
    try:
        result = (True, fn(*args))
    except BaseException as exc:  # handed to the parent
        result = (False, exc)
    try:
        send.send(result)
    except Exception as exc:  # an unpicklable result or error: say what it was
        send.send((False, RuntimeError(f"demo side process: {result[1]!r} ({exc})")))
    finally:
        send.close()
