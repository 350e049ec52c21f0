"""Helpers shared by the benchmark scripts (not part of the zeronn package).

- ``blas_report()``: which BLAS NumPy calls, which kernel it picked, how many threads.
- ``cpu_model()``: the CPU's model name (lscpu), to print beside every number.
- ``use_backend(name)`` / ``backend_report()``: switch ZeroNN's kernels and describe them.
- ``ratio_summary(ratios)``: median and range of per-run time ratios.
- ``peak_rss_mb()``: this process's peak resident memory.
- ``SETTLE_S``: the pause before each timed epoch.
- ``Worker``: a child process of the same script that runs one framework's
  training on request, so that two frameworks can be timed in alternation
  (sharing whatever else the machine is doing) while each one's memory is
  measured on its own.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

__all__ = ["blas_report", "cpu_model", "use_backend", "backend_report", "ratio_summary", "peak_rss_mb", "Worker",
           "serve", "SETTLE_S"]

#: Seconds to wait before each timed epoch.  A library's idle worker threads keep
#: spinning for a while after their work (PyTorch's OpenMP threads, OpenBLAS's
#: threads); without a pause they take CPU from whichever loop runs next.
#: Measured on the MLP benchmark without it: PyTorch's epoch 1.7x slower after a
#: NumPy epoch, ZeroNN's 1.1x slower after a PyTorch epoch.
SETTLE_S = 0.2


def blas_report() -> tuple[str, int]:
    """Describe the BLAS NumPy uses (library, version, kernel, threads) via threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown BLAS (pip install threadpoolctl to see which)", 1
    pools = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    pools.sort(key=lambda pool: "numpy" not in str(pool.get("filepath", "")))   # NumPy's own BLAS first
    for pool in pools:
        if pool.get("user_api") == "blas":
            text = f"{pool.get('internal_api')} {pool.get('version')}, kernel {pool.get('architecture')}"
            return text + f", {pool.get('num_threads')} threads", int(pool.get("num_threads") or 1)
    return "no BLAS found by threadpoolctl", 1


def cpu_model() -> str:
    """The CPU's model name as ``lscpu`` reports it (or /proc/cpuinfo), with the number of CPUs."""
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        text = ""
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    name = fields.get("Model name", "").strip()
    if not name and os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            name = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    return f"{name or 'unknown CPU'}, {os.cpu_count()} CPUs"


def use_backend(name: str) -> float:
    """Switch ZeroNN's kernels to ``name`` ("numpy" or "fast"); return the seconds the switch took (compile/load)."""
    import zeronn

    start = time.perf_counter()
    zeronn.set_backend(name)
    return time.perf_counter() - start


def backend_report() -> str:
    """One line on the active kernels: backend, numba version, first-call compile (or cache load) time."""
    from zeronn.kernels import backend_info

    info = backend_info()
    text = f"ZeroNN kernels: {info['backend']}"
    if "numba" in info:
        text += (f" (numba {info['numba']}, serial, compile/cache load {info['compile_seconds']:.2f} s, "
                 f"disk cache {'on' if info['disk_cache'] else 'off'})")
    return text


def ratio_summary(ratios: list[float]) -> str:
    """``0.93x (0.90-0.97x over 3 runs)``: the median of per-run ratios and their range."""
    values = sorted(ratios)
    middle = values[len(values) // 2] if len(values) % 2 else 0.5 * (values[len(values) // 2 - 1]
                                                                      + values[len(values) // 2])
    return f"{middle:.2f}x ({values[0]:.2f}-{values[-1]:.2f}x over {len(values)} run{'s' * (len(values) > 1)})"


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class Worker:
    """A child process running ``script --worker ARGS...``; ``request(...)`` sends one JSON line and reads one.

    The child's side is ``serve(handlers)``.  Only one of the two children
    runs at a time: each waits for its next request.
    """

    def __init__(self, script: str, args: list[str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, script, "--worker", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )
        self.hello = self._read()

    def _read(self) -> dict[str, Any]:
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            raise RuntimeError(f"benchmark worker {self.process.args} stopped (see its error above)")
        return json.loads(line)

    def request(self, command: str, **options: Any) -> dict[str, Any]:
        """Send ``command`` and return the worker's answer."""
        if self.process.stdin is None:
            raise RuntimeError("the worker has no input pipe")
        self.process.stdin.write(json.dumps({"command": command, **options}) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> dict[str, Any]:
        """Ask the worker for its final report and wait for it to exit."""
        answer = self.request("quit")
        self.process.wait(timeout=60)
        return answer


def serve(hello: dict[str, Any], handlers: dict[str, Any]) -> None:
    """The child's loop: print ``hello``, then answer each request with ``handlers[command](**options)``.

    The request "quit" answers with the peak memory and ends the loop.
    """
    print(json.dumps(hello), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        command = request.pop("command")
        if command == "quit":
            print(json.dumps({"peak_rss_mb": peak_rss_mb()}), flush=True)
            return
        print(json.dumps(handlers[command](**request)), flush=True)
