"""The package as it was before the speed work, for the benchmarks' yardsticks (run in a subprocess).

``previous_src()`` unpacks ``src/`` of the revision PREVIOUS into a temporary folder (once per run);
``run_child(code, src)`` runs Python code with that package (or the working tree's) first on the path,
single-threaded BLAS, and returns what the code printed as JSON.
"""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CURRENT = ROOT / "src"
PREVIOUS = "7261c94"  # the last revision before the speed work (issue 15)
_UNPACKED: dict = {}


def previous_src(rev: str = PREVIOUS) -> Path:
    """``src/`` of git revision ``rev``, unpacked into a temporary folder removed at exit."""
    if rev not in _UNPACKED:
        tmp = tempfile.mkdtemp(prefix="supercrystal-previous-")
        atexit.register(shutil.rmtree, tmp, True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        _UNPACKED[rev] = Path(tmp) / "src"
    return _UNPACKED[rev]


def run_child(code: str, src: Path = CURRENT, *args: str):
    """Run ``code`` in a fresh interpreter with package ``src``; it must print one JSON value."""
    env = dict(os.environ, PYTHONPATH=str(src), OPENBLAS_NUM_THREADS="1", PYTHONHASHSEED="0")
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, check=True, capture_output=True,
                          text=True)
    return json.loads(done.stdout)
