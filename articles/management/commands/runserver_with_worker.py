"""`make run`'s server: runserver with a task worker beside it, as production runs one.

Renditions, e-mail and purges then happen off the request, as they do in production, so an
upload answers as fast locally as it will there. Each runs in a process group of its own, so
that this command, on Ctrl-C or when it is told to stop (SIGTERM, or the terminal closing),
stops both, autoreloaders and their children included, and leaves nothing running.
"""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_SECONDS = 10  # the worker finishes the task in hand first
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)  # besides Ctrl-C's SIGINT


def worker_command():
    return [sys.executable, str(settings.BASE_DIR / "manage.py"), "db_worker", "--no-startup-delay"]


def server_command(addrport):
    return [sys.executable, str(settings.BASE_DIR / "manage.py"), "runserver", addrport]


def stop(process):
    """Stop a process started with a session (so a process group) of its own."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(STOP_SECONDS)
            break
        except subprocess.TimeoutExpired:
            continue
    process.wait()


class Command(BaseCommand):
    help = (
        "Serve the site for local work (runserver) with a task worker (db_worker) beside it; "
        "Ctrl-C stops both. Needs TASKS_BACKEND=database."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport="127.0.0.1:8000", **options):
        if settings.TASKS["default"]["BACKEND"] != settings.TASK_BACKENDS["database"]:
            raise CommandError(
                "Tasks run in the request with this TASKS_BACKEND, so a worker would have "
                "nothing to do: set TASKS_BACKEND=database, or use runserver alone."
            )
        previous = {sig: signal.signal(sig, _stop_requested) for sig in STOP_SIGNALS}
        self.stdout.write("Task worker: started beside the server (Ctrl-C stops both).")
        started = []
        try:
            started.append(subprocess.Popen(worker_command(), start_new_session=True))
            started.append(subprocess.Popen(server_command(addrport), start_new_session=True))
            returncode = started[-1].wait()
        except (KeyboardInterrupt, StopRequested):
            returncode = 0
        finally:
            for process in reversed(started):
                stop(process)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if returncode:
            raise CommandError(f"The server stopped with exit status {returncode}.")


class StopRequested(Exception):
    pass


def _stop_requested(signum, frame):
    raise StopRequested
