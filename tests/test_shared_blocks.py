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
