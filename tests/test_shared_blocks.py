"""A pass's row blocks shared by the parent, from the first, and a forked child, from the
last (`forked.Meeting`): every block is done once, by one of them, wherever they meet,
and a child that dies lets the parent go on."""

from __future__ import annotations

import fcntl
import os
import time

import pytest

from introducer.match import forked


def shared_out(jobs: int, child_pause: float, parent_pause: float) -> tuple[list[int], list[int]]:
    """The jobs the parent and a forked child took, each pausing as given after a job."""
    meeting = forked.Meeting(jobs)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_end)
        taken = []
        job = jobs - 1
        while job >= 0 and meeting.back(job):
            taken.append(job)
            time.sleep(child_pause)
            job -= 1
        os.write(write_end, ",".join(map(str, taken)).encode())
        os._exit(0)
    os.close(write_end)
    mine = []
    job = 0
    while job < jobs and meeting.front(job):
        mine.append(job)
        time.sleep(parent_pause)
        job += 1
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as pipe:
        text = pipe.read().decode()
    meeting.close()
    return mine, [int(number) for number in text.split(",") if number]


@pytest.mark.parametrize(("jobs", "child_pause", "parent_pause"), [
    (40, 0.0, 0.0), (40, 0.002, 0.0), (40, 0.0, 0.002), (7, 0.001, 0.001), (1, 0.0, 0.0)])
def test_every_job_is_done_once_by_one_side(jobs: int, child_pause: float,
                                            parent_pause: float) -> None:
    mine, theirs = shared_out(jobs, child_pause, parent_pause)
    assert mine == list(range(len(mine)))
    assert sorted(theirs) == list(range(len(mine), jobs))


def test_the_faster_side_takes_more() -> None:
    mine, theirs = shared_out(40, 0.0, 0.003)
    assert len(theirs) > len(mine)


def test_a_child_that_dies_while_taking_a_job_leaves_the_rest_to_the_parent() -> None:
    meeting = forked.Meeting(10)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        meeting.back(9)
        with meeting._locked():  # dies holding the lock: the system lets it go
            os._exit(1)
    os.waitpid(pid, 0)
    taken = [job for job in range(10) if meeting.front(job)]
    meeting.close()
    assert taken == list(range(9))


def test_the_child_reads_the_floor_the_parent_published() -> None:
    meeting = forked.Meeting(3)
    assert meeting.floor == float("-inf")
    meeting.floor = 12.5
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(write_end, repr(meeting.floor).encode())
        os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as pipe:
        assert float(pipe.read().decode()) == 12.5
    meeting.close()


def waited_for(publish: float | None) -> tuple[float, list[int]]:
    """A child forked before the parent has a floor waits for one (`wait_for_floor`), then
    takes jobs from the last: the floor it started at and the jobs it took, while the
    parent publishes `publish` after a pause (or never, taking every job itself)."""
    meeting = forked.Meeting(6)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        meeting.wait_for_floor()
        started = meeting.floor
        taken = [job for job in range(5, -1, -1) if meeting.back(job)]
        os.write(write_end, f"{started!r};{','.join(map(str, taken))}".encode())
        os._exit(0)
    os.close(write_end)
    time.sleep(0.05)
    if publish is None:
        mine = [job for job in range(6) if meeting.front(job)]
        assert mine == list(range(6))
    else:
        meeting.floor = publish
    deadline = time.monotonic() + 10
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:  # pragma: no cover - a child that never left
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            pytest.fail("the child still waits")
        time.sleep(0.01)
    with os.fdopen(read_end, "rb") as pipe:
        started, taken = pipe.read().decode().split(";")
    meeting.close()
    return float(started), [int(job) for job in taken.split(",") if job]


def test_a_child_forked_before_the_floor_starts_at_the_first_published() -> None:
    assert waited_for(40.25) == (40.25, [5, 4, 3, 2, 1, 0])


def test_a_child_waiting_for_a_floor_leaves_when_the_parent_took_every_job() -> None:
    assert waited_for(None) == (float("-inf"), [])


def test_a_lock_that_fails_leaves_every_job_to_the_parent(
        monkeypatch: pytest.MonkeyPatch) -> None:
    meeting = forked.Meeting(5)
    assert meeting.front(0)

    def refused(*_: object) -> None:
        raise OSError("no locks left")

    monkeypatch.setattr(fcntl, "lockf", refused)
    assert not meeting.back(4)
    assert [job for job in range(1, 5) if meeting.front(job)] == [1, 2, 3, 4]
    meeting.close()


def test_no_meeting_where_nothing_forks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without fork (nor POSIX file locks: Windows) there is no child to meet; the search
    takes that as no idle core and does every block itself."""
    monkeypatch.delattr(os, "fork")
    with pytest.raises(OSError):
        forked.Meeting(3)
