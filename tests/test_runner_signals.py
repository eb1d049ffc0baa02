"""Interrupting the book runner: a real runner process, real workers and kernels, real signals.

On SIGINT or SIGTERM the runner cancels the queued chapters, stops its workers and their kernels, prints
the one line ``interrupted`` and exits with 130 or 143; every notebook is either as it was or fully
written. If the runner is killed outright (SIGKILL), its workers and kernels die with it.
"""
import os
import signal
import subprocess
import sys
import time

import nbformat
import psutil
import pytest

from supercrystal.paths import ROOT


def _notebook(path, code):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("n: int = 1  # a parameter [0, 10]")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.fixture
def slow_book(tmp_path):
    slow = "import time\nfor _ in range(1200):\n    time.sleep(0.1)"
    nbs = [_notebook(tmp_path / "slow1.ipynb", slow), _notebook(tmp_path / "slow2.ipynb", slow),
           _notebook(tmp_path / "quick.ipynb", "print('quick')")]
    out = tmp_path / "out"
    out.mkdir()
    (out / "slow1.ipynb").write_text("the notebook as it was")
    return nbs, out


def _start(nbs, out):
    cmd = [sys.executable, "-m", "supercrystal.book.runner", *map(str, nbs), "--out", str(out), "--jobs", "2"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def _kernels_running(proc, n, timeout=90.0):
    """Wait until the runner has ``n`` kernels at work; return every descendant process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        tree = psutil.Process(proc.pid).children(recursive=True)
        kernels = []
        for p in tree:
            try:
                if "ipykernel_launcher" in " ".join(p.cmdline()):
                    kernels.append(p)
            except psutil.Error:
                pass
        if len(kernels) >= n:
            time.sleep(1.0)  # let the kernels start executing the slow cell
            # the tree seen with the kernels, and any process started since (on a loaded machine a kernel
            # launcher may be replaced by its kernel within that second; both must be gone at the end)
            later = psutil.Process(proc.pid).children(recursive=True)
            return list({p.pid: p for p in tree + later}.values())
        time.sleep(0.2)
    raise AssertionError("the runner did not start its kernels")


def _all_gone(procs, timeout=10.0):
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    return [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_stops_workers_and_kernels(slow_book, sig, code):
    nbs, out = slow_book
    proc = _start(nbs, out)
    try:
        tree = _kernels_running(proc, 2)
        assert len(tree) >= 4  # two workers, two kernels
        t0 = time.monotonic()
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, (stdout, stderr)
    assert stderr.strip().splitlines() == ["interrupted"], stderr
    assert time.monotonic() - t0 < 30
    assert not _all_gone(tree), "a worker or kernel survived the runner"
    # the queued chapter never ran, the old notebook is as it was, nothing half-written is left
    assert sorted(p.name for p in out.iterdir()) == ["slow1.ipynb"]
    assert (out / "slow1.ipynb").read_text() == "the notebook as it was"


def test_workers_die_with_a_killed_runner(slow_book):
    nbs, out = slow_book
    proc = _start(nbs, out)
    try:
        tree = _kernels_running(proc, 2)
        proc.kill()  # SIGKILL: the runner cannot clean up; its workers must notice
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert not _all_gone(tree, timeout=15.0), "workers or kernels outlived the runner"
    assert (out / "slow1.ipynb").read_text() == "the notebook as it was"
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]


def test_finished_chapter_is_complete_and_rerun_unchanged(tmp_path):
    """A chapter that finished is a whole notebook; executing it again with the same outputs leaves the
    file untouched (same bytes, same modification time)."""
    nb = _notebook(tmp_path / "quick.ipynb", "print('quick')")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "supercrystal.book.runner", str(nb), "--out", str(out), "--jobs", "1"]
    first = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert first.returncode == 0 and "quick: ok" in first.stdout, first
    done = nbformat.read(out / "quick.ipynb", as_version=4)
    assert done.cells[1].outputs[0]["text"] == "quick\n"
    before = (out / "quick.ipynb").stat().st_mtime_ns, (out / "quick.ipynb").read_bytes()
    time.sleep(0.05)
    second = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert second.returncode == 0 and "unchanged" in second.stdout, second
    assert ((out / "quick.ipynb").stat().st_mtime_ns, (out / "quick.ipynb").read_bytes()) == before


def test_failing_chapter_is_one_line_and_leaves_the_target(tmp_path):
    nb = _notebook(tmp_path / "broken.ipynb", "1 / 0")
    out = tmp_path / "out"
    out.mkdir()
    (out / "broken.ipynb").write_text("previous")
    res = subprocess.run([sys.executable, "-m", "supercrystal.book.runner", str(nb), "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 1 and len(lines) == 1, res
    assert "chapter broken: cell [2] failed: ZeroDivisionError: division by zero" in lines[0]
    assert (out / "broken.ipynb").read_text() == "previous"
    assert os.listdir(out) == ["broken.ipynb"]
