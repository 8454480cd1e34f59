"""Shared machinery for the HTTP benchmarks: a production-like gunicorn and `wrk` on 127.0.0.1.

Machines here are noisy, so every figure is a median over alternating rounds and is reported
as a ratio to a static file served by the same stack in the same run.
"""

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/nr_bench_pages"


def require_wrk():
    if not shutil.which("wrk"):
        sys.exit("This benchmark needs wrk as its load generator: apt-get install wrk")


def ensure_postgres_database(url):
    """Create the benchmark database if it does not exist yet."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# Production settings (DEBUG off) minus TLS, which a proxy would terminate.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-secret-key",
    "SECURE_SSL_REDIRECT": "0",
    "LOG_LEVEL": "ERROR",
}


def production_env(database_url, static_root, **extra):
    """The environment of a production-like server process."""
    env = dict(os.environ)
    env.update(
        PRODUCTION,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
    )
    env.update(extra)
    return env


def in_process_settings(**extra):
    """Production settings for a benchmark that runs Django in its own process (test client);
    what the caller's environment already sets wins."""
    defaults = PRODUCTION | {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "ALLOWED_HOSTS": "testserver",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    for name, value in (defaults | extra).items():
        os.environ.setdefault(name, value)


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port():
    """A free port on 127.0.0.1: any (the system's choice) or, with BENCH_PORTS=first-last, one in
    that range, for machines where only some ports may be used."""
    first, _, last = os.environ.get("BENCH_PORTS", "").partition("-")
    candidates = range(int(first), int(last or first) + 1) if first else [0]
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in BENCH_PORTS={os.environ['BENCH_PORTS']}")


@contextmanager
def prepared_site(database_url=None, **extra_env):
    """Migrate, load the demo, collect static files; yield the environment to serve with."""
    database_url = database_url or os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if database_url.startswith("postgres"):
        ensure_postgres_database(database_url)
    with tempfile.TemporaryDirectory(prefix="newsroom-static-") as static_root:
        env = production_env(database_url, static_root, **extra_env)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--no-input", "-v0")
        yield env


def hashed_static_path(env, name):
    manifest = json.loads((Path(env["STATIC_ROOT"]) / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"][name]


@contextmanager
def gunicorn(env, workers=2):
    """Serve the site with gunicorn on a free port; yield its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "newsroom.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--log-level=warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def wrk(url, seconds=4, connections=16, threads=1, script=None, headers=()):
    """Requests per second for one `wrk` run; fails on any error response."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if bad:
        raise RuntimeError(f"{url}: {bad.group(1)} error responses\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    return rps, float(p50.group(1)) * scale[p50.group(2)] if p50 else float("nan")


def measure(targets, rounds=3, seconds=4, warmup=1):
    """Alternate over `targets` (name -> Target) for several rounds.

    Returns {name: (median rps, median p50 ms)}.
    """
    results = {name: [] for name in targets}
    for target in targets.values():  # warm caches and connections
        wrk(target.url, seconds=warmup, script=target.script, headers=target.headers)
    for _ in range(rounds):
        for name, target in targets.items():
            results[name].append(
                wrk(target.url, seconds=seconds, script=target.script, headers=target.headers)
            )
    return {
        name: (
            statistics.median(r for r, _ in runs),
            statistics.median(p for _, p in runs),
        )
        for name, runs in results.items()
    }


@dataclass(frozen=True)
class Target:
    """One thing to load: a full URL, optionally with a wrk Lua script or extra headers."""

    url: str
    script: str | None = None
    headers: tuple[str, ...] = ()


def print_table(figures, reference, title):
    ref_rps = figures[reference][0]
    print(f"\n{title}")
    width = max(len(name) for name in figures) + 2
    print(f"{'page':<{width}}{'req/s (median)':>16}{'p50 ms':>10}{'vs static':>12}")
    for name, (rps, p50) in figures.items():
        print(f"{name:<{width}}{rps:>16.0f}{p50:>10.2f}{rps / ref_rps:>11.1%}")
