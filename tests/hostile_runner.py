"""Runs CLI commands in child processes with a time and a memory bound, quickly: a fork server.

Started once (`python tests/hostile_runner.py`), it imports the toolkit and its libraries, then reads jobs as
JSON on stdin and, for each, forks a child that sets its limits (RLIMIT_DATA: every heap and anonymous
mapping, so a Rust allocation failure aborts the child and is seen as a signal) and runs `renja-xl ARGS` as the
console script would. The parent waits with a timeout (SIGKILL beyond it), a child per core at a time, and answers: exit
status or signal, seconds, peak RSS of the child (wait4), and its output. A fresh interpreter per run costs a
second of imports; a fork costs milliseconds, and each child still starts from the same clean state.
"""
from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time


def _child(job: dict) -> None:
    limit = int(job["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    os.environ.update(job.get("env", {}))
    os.chdir(job["cwd"])
    out = os.open(job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(out, 1)
    os.dup2(out, 2)
    code = 0
    try:
        from renja_xl.frontends.cli import main

        main(args=job["args"], prog_name="renja-xl", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: B036 - what escapes the CLI is printed as the console script would
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _start(job: dict) -> dict:
    pid = os.fork()
    if pid == 0:
        try:
            _child(job)
        finally:
            os._exit(120)
    return {"pid": pid, "job": job, "start": time.monotonic()}


def _finish(run: dict, status: int, usage, timed_out: bool) -> dict:
    with open(run["job"]["stdout"], encoding="utf-8", errors="replace") as fh:
        output = fh.read()
    return {
        "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "timed_out": timed_out,
        "seconds": time.monotonic() - run["start"],
        "max_rss_bytes": usage.ru_maxrss * 1024,
        "output": output[-4000:],
    }


def run_all(jobs: list[dict], parallel: int) -> list[dict]:
    """Every job, `parallel` children at a time (one per core); results in the order of the jobs."""
    results: list[dict | None] = [None] * len(jobs)
    running: dict[int, tuple[int, dict]] = {}
    todo = list(enumerate(jobs))
    while todo or running:
        while todo and len(running) < parallel:
            i, job = todo.pop(0)
            run = _start(job)
            running[run["pid"]] = (i, run)
        for pid, (i, run) in list(running.items()):
            done, status, usage = os.wait4(pid, os.WNOHANG)
            timed_out = False
            if not done and time.monotonic() - run["start"] > float(run["job"]["timeout"]):
                os.kill(pid, signal.SIGKILL)
                _, status, usage = os.wait4(pid, 0)
                done, timed_out = pid, True
            if done:
                results[i] = _finish(run, status, usage, timed_out)
                del running[pid]
        time.sleep(0.005)
    return results  # type: ignore[return-value]


def main() -> None:
    import openpyxl  # noqa: F401 - imported before the forks, as the CLI would import them
    import python_calamine  # noqa: F401

    import importlib

    # what the commands import when they run: each child would otherwise import it again
    for module in ("renja_xl.engines.calamine_engine", "renja_xl.engines.openpyxl_engine", "renja_xl.frontends.cli",
                   "renja_xl.workbook.validation", "renja_xl.workbook.recalc", "renja_xl.sipd.usulan",
                   "renja_xl.nomenklatur", "renja_xl.chapters", "renja_xl.engines.openpyxl_template",
                   "renja_xl.fileio.csv_text", "docx", "jinja2"):
        try:
            importlib.import_module(module)
        except ImportError:
            pass

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:  # one line: {"jobs": [...], "parallel": N}; one line back: the results
        if line.strip():
            request = json.loads(line)
            print(json.dumps(run_all(request["jobs"], int(request.get("parallel", 1)))), flush=True)


if __name__ == "__main__":
    main()
