"""`make run`'s server (manage.py runserver_with_worker): a task worker runs beside runserver,
and when the server stops, for whatever reason, the worker and its children stop too."""

import io
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.management.commands import runserver_with_worker

# A stand-in for a process with an autoreloader: it starts a child, records both ids, waits.
WITH_A_CHILD = """
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
open(sys.argv[1], "w").write(f"{os.getpid()} {child.pid}")
time.sleep(120)
"""


WAIT_FOR_THE_WORKER = """
import os, sys, time
while " " not in (open(sys.argv[1]).read() if os.path.exists(sys.argv[1]) else ""):
    time.sleep(0.05)
"""


def running(pid):
    """Whether a process is alive (a zombie waiting to be reaped is not)."""
    status = Path(f"/proc/{pid}/status")
    try:
        return "\nState:\tZ" not in status.read_text()
    except FileNotFoundError:
        return False


def stopped(*pids, timeout=10):
    """Whether every process has ended within `timeout` seconds (a signal takes a moment)."""
    deadline = time.monotonic() + timeout
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(running(pid) for pid in pids)


def pids_in(path, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and len(path.read_text().split()) == 2:
            return [int(pid) for pid in path.read_text().split()]
        time.sleep(0.05)
    raise AssertionError(f"{path} was never written")


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["database"]}}


@pytest.fixture
def stand_ins(monkeypatch, tmp_path):
    """The worker and the server as small scripts; returns where the worker writes its ids."""
    worker_ids = tmp_path / "worker.pids"

    def use(server_script):
        monkeypatch.setattr(
            runserver_with_worker,
            "worker_command",
            lambda: [sys.executable, "-c", WITH_A_CHILD, str(worker_ids)],
        )
        monkeypatch.setattr(
            runserver_with_worker,
            "server_command",
            lambda addrport: [sys.executable, "-c", server_script, str(worker_ids)],
        )
        return worker_ids

    return use


def test_without_the_database_backend_it_says_a_worker_would_have_nothing_to_do():
    with pytest.raises(CommandError, match="set TASKS_BACKEND=database"):
        call_command("runserver_with_worker")


def test_when_the_server_stops_the_worker_and_its_children_stop_too(database_tasks, stand_ins):
    # The server waits until the worker is up, then stops (as after Ctrl-C).
    worker_ids = stand_ins(WAIT_FOR_THE_WORKER)
    call_command("runserver_with_worker", stdout=io.StringIO())
    assert stopped(*pids_in(worker_ids))


def test_a_server_that_fails_to_start_is_reported_and_stops_the_worker(database_tasks, stand_ins):
    worker_ids = stand_ins(WAIT_FOR_THE_WORKER + "sys.exit(3)\n")
    with pytest.raises(CommandError, match="exit status 3"):
        call_command("runserver_with_worker", stdout=io.StringIO())
    assert stopped(*pids_in(worker_ids))
