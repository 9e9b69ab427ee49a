"""The parse step: the plan's files, in batches, on a pool of worker processes."""

import itertools
import multiprocessing
import os
import signal
import sys
import types
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager

from matterhouse.plumbing.interrupts import critical, terminate_workers
from matterhouse.plumbing.progress_bar import file_progress
from matterhouse.plumbing.settings import RunOptions
from matterhouse.plumbing.storage import Location
from matterhouse.steps import parse_worker
from matterhouse.steps.plan import Plan

# How often the progress bar catches up with the files the workers have parsed.
PROGRESS_EVERY_SECONDS = 0.2


def parse_files(plan: Plan, staging: Location, options: RunOptions) -> list[dict]:
    """Parse the plan's files in batches on every core; return the files found only touched.

    Batches go to a pool of worker processes (parsing is CPU-bound Python, so threads would
    share one core), two per worker at a time: enough to keep them busy, and memory stays
    bounded however many files there are."""
    total = plan.to_read_count
    batches = plan.batches(options.batch_size)
    workers = min(os.cpu_count() or 1, -(-total // options.batch_size))
    touched = []
    if workers <= 1:  # one core or one batch: a worker process would cost more than it saves
        with file_progress(total) as advance, parse_worker.files_counted_by(advance):
            for number, batch in enumerate(batches):
                touched.extend(parse_worker.parse_batch(batch, staging, number, options))
        return touched
    in_flight, numbers = {}, itertools.count()
    # The workers count the files they have parsed here, so the bar moves every few files,
    # not once a batch.
    parsed = multiprocessing.get_context("spawn").Value("q", 0)
    with _sigint_held():  # the pool may start multiprocessing's resource tracker
        pool = parse_pool(workers, parsed)
    with pool, file_progress(total) as advance, _workers_stopped_on_interrupt():
        shown = 0

        def submit_next() -> None:
            batch = next(batches, None)
            if batch is not None:
                future = pool.submit(parse_worker.parse_batch, batch, staging, next(numbers), options)
                in_flight[future] = len(batch)

        # The pool starts its workers on the first submits. An interrupt waits for them to
        # be started and known (`critical`): one cut short between its spawn and its
        # registration would be left reading from a parent that is gone, and say so on stderr.
        with _bare_main_module(), _sigint_held(), critical():
            for _ in range(2 * workers):
                submit_next()
        while in_flight:
            done, _ = wait(in_flight, timeout=PROGRESS_EVERY_SECONDS, return_when=FIRST_COMPLETED)
            for future in done:
                touched.extend(future.result())
                in_flight.pop(future)
                submit_next()
            advance(parsed.value - shown)
            shown = parsed.value
    return touched


@contextmanager
def _workers_stopped_on_interrupt():
    """On an interrupt or any error, stop the workers at once rather than let the pool
    wait for each to finish its batch."""
    try:
        yield
    except BaseException:
        terminate_workers()
        raise


def parse_pool(workers: int, parsed=None) -> ProcessPoolExecutor:
    """Worker processes for parse_worker.parse_batch: spawned, since forking would copy the
    flow's threads, and started by parse_worker.start_worker, which counts the files they
    parse in the shared `parsed`."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=parse_worker.start_worker,
        initargs=(parsed,),
    )


@contextmanager
def _sigint_held():
    """Processes started inside inherit SIGINT blocked: a terminal's Ctrl-C that reached a
    worker before its initializer ignores SIGINT would print a traceback from it. This
    process gets such a Ctrl-C as soon as the block ends."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def _bare_main_module():
    """Spawned workers import the parent's main module before any work: the CLI script,
    pytest or Prefect's engine, each of which imports Prefect (about 2 s and 150 MB per
    worker, for nothing: parse_batch needs only the transforms). Under a bare __main__,
    multiprocessing has no main module to hand them."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is None:
            del sys.modules["__main__"]
        else:
            sys.modules["__main__"] = main
