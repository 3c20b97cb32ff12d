"""Signal dispositions a yecai process must not inherit."""

from __future__ import annotations

import signal
import threading


def take_back_an_ignored_sigterm() -> None:
    """Give SIGTERM back its default action when this process was started with it ignored.

    Dagster maps SIGTERM to whatever SIGINT does in a process that runs a job on its main
    thread, and a shell without job control (a script's background job, many schedulers and
    CI runners) starts its children with SIGINT ignored. So a parent that ran Dagster hands its
    children an ignored SIGTERM. In ``yecai run`` that made every step wait 30 s for each of
    Dagster's compute-log ``tail`` processes, which it stops with SIGTERM: a no-change run took
    227 s instead of 58 s. A supervisor could not stop ``yecai`` either.
    """
    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread may set a handler; the CLI and run_job call it from there
    if signal.getsignal(signal.SIGTERM) is signal.SIG_IGN:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
