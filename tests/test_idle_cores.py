"""How many processes a big book is read (and its cache written) with: one per idle
core, judged by the load average, capped by what is running right now."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from introducer.book import parallel


@pytest.mark.parametrize(("average", "running", "cores", "processes"), [
    (0.1, 1, 2, 2),     # an idle machine
    (1.0, 1, 2, 2),     # the average still holds a command that just ended; nothing runs
    (1.0, 2, 2, 1),     # another process runs beside this one
    (3.5, 5, 2, 1),     # a busy machine
    (0.1, 3, 2, 2),     # a burst this instant: the average says the machine is idle
    (1.0, None, 2, 1),  # no run queue to read: the average alone
    (0.0, 1, 1, 1),     # one core
    (0.5, 1, 8, 8),
])
def test_a_second_process_runs_only_on_an_idle_core(
        monkeypatch: pytest.MonkeyPatch, average: float, running: int | None, cores: int,
        processes: int) -> None:
    monkeypatch.setattr(os, "getloadavg", lambda: (average, average, average))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)))
    monkeypatch.setattr(parallel, "running_now", lambda: running)
    assert parallel.idle_cores() == processes


def test_a_core_held_by_this_command_s_own_cache_writer_counts_as_idle(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "getloadavg", lambda: (1.0, 1.0, 1.0))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(parallel, "running_now", lambda: 2)  # this process and its writer
    assert parallel.idle_cores() == 1
    assert parallel.idle_cores(ours=1) == 2
    monkeypatch.setattr(parallel, "running_now", lambda: 3)  # and someone else's
    assert parallel.idle_cores(ours=1) == 1


def test_the_run_queue_is_read_from_linux_s_load_file(tmp_path: Path) -> None:
    load = tmp_path / "loadavg"
    load.write_text("0.25 0.85 1.15 3/79 32027\n", encoding="ascii")
    assert parallel.running_now(str(load)) == 3
    for garbled in ("", "0.25 0.85 1.15", "0.25 0.85 1.15 x/79 1", "\xff"):
        load.write_text(garbled, encoding="latin-1")
        assert parallel.running_now(str(load)) is None
    assert parallel.running_now(str(tmp_path / "absent")) is None
