"""A bounded load test of `scr serve` on loopback: latency and rate with concurrent clients.

Starts a real `scr serve` (once without a decision log, once with `--log` in a temporary
folder), then runs CLIENTS threads, each with its own keep-alive connection, sending REQUESTS
requests each to a trivial endpoint (`GET /v1/editions`) and to `POST /v1/evaluate` with the
shipped examples in turn, in alternating rounds. It prints, per run, the rate (requests per second, wall clock),
the median and 99th-percentile latency, and each as a ratio to the trivial endpoint measured in
the same run, so the figures carry over between machines.

    python bench/load.py [--clients 16] [--requests 150] [--rounds 5]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
#: Seconds to wait for the server to say where it listens, and for any one response.
START_LIMIT = 60
RESPONSE_LIMIT = 60


def _scr() -> list[str]:
    found = shutil.which("scr", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "scr_eligibility.cli.main"]


@contextmanager
def serving(log: Path | None) -> Iterator[int]:
    """A `scr serve` on a free loopback port; yields the port."""
    argv = _scr() + ["serve"] + (["--log", str(log)] if log else [])
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=START_LIMIT):
            raise SystemExit("scr serve printed nothing")
        match = re.match(r"Serving on http://127\.0\.0\.1:(\d+) ", process.stdout.readline())
        if match is None:
            raise SystemExit("scr serve did not start: " + (process.stderr.read() if process.stderr else ""))
        yield int(match.group(1))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _bodies() -> list[bytes]:
    """The shipped examples as JSON fact sets."""
    out = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        out.append(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str).encode())
    return out


def _client(port: int, requests: int, body: list[bytes] | None, offset: int, out: list[float],
            failures: list[int]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=RESPONSE_LIMIT)
    try:
        for i in range(requests):
            start = time.perf_counter()
            if body is None:
                connection.request("GET", "/v1/editions")
            else:
                connection.request("POST", "/v1/evaluate", body=body[(offset + i) % len(body)],
                                   headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            out.append(time.perf_counter() - start)
            if response.status != 200:
                failures.append(response.status)
    finally:
        connection.close()


class Tally:
    """Latencies, wall time and failures of one endpoint, summed over rounds."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.failures: list[int] = []
        self.wall = 0.0

    def figures(self) -> tuple[float, float, float, int]:
        """``(rate, p50, p99, failures)``."""
        cuts = statistics.quantiles(self.latencies, n=100)
        return len(self.latencies) / self.wall, statistics.median(self.latencies), cuts[98], len(self.failures)


def load(port: int, clients: int, requests: int, body: list[bytes] | None, tally: Tally) -> None:
    """CLIENTS threads sending REQUESTS requests each, all at once, counted into ``tally``."""
    threads = [threading.Thread(target=_client, args=(port, requests, body, n * 7, tally.latencies, tally.failures))
               for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.wall += time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=150, help="requests per client and endpoint")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds the requests are split into")
    options = parser.parse_args()
    bodies = _bodies()
    before = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for label, log in (("no log", None), ("--log", Path(folder) / "decisions.sqlite")):
            with serving(log) as port:
                load(port, 2, 20, None, Tally())  # warm up: the editions, the rulesets, the connection path
                load(port, 2, 20, bodies, Tally())
                trivial_tally, evaluated_tally = Tally(), Tally()
                # Rounds alternate the two endpoints, so a change in the machine's load touches both alike.
                for _ in range(options.rounds):
                    load(port, options.clients, options.requests // options.rounds, None, trivial_tally)
                    load(port, options.clients, options.requests // options.rounds, bodies, evaluated_tally)
            trivial, evaluated = trivial_tally.figures(), evaluated_tally.figures()
            for endpoint, (rate, p50, p99, failed) in (("GET /v1/editions", trivial),
                                                       ("POST /v1/evaluate", evaluated)):
                rows.append([label, endpoint, f"{rate:,.0f}", f"{p50 * 1000:.1f}", f"{p99 * 1000:.1f}",
                             f"{rate / trivial[0]:.2f}", f"{p50 / trivial[1]:.1f}", f"{p99 / trivial[2]:.1f}",
                             failed])
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
          f"{options.clients} clients x {options.requests} requests per endpoint, keep-alive, loopback")
    print(tabulate(rows, headers=["Server", "Endpoint", "Requests/s", "p50 ms", "p99 ms", "Rate / trivial",
                                  "p50 / trivial", "p99 / trivial", "Not 200"], tablefmt="github"))
    print(f"Load average (1 min) before the run: {before:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
