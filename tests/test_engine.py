"""The distributed engine of the Sec. V sweeps and `supercrystal mc`: results depend on the parameters only
(not on the number of Dask workers, their order, or which other voltages are asked for); bad input is one
line and exit status 2."""
import json

import numpy as np
import pytest

from supercrystal import cli, engine
from supercrystal import montecarlo as mc
from supercrystal.book import cache, tasks

SMALL = ["--L", "2", "--T", "300", "--volts", "0.36:0.38:2", "--seed", "1", "--replicas", "3", "--sweeps", "50",
         "--equil", "10"]


def _fresh(monkeypatch, folder):
    """A new, empty user cache and no results held in memory, so the next call computes."""
    monkeypatch.setenv("SUPERCRYSTAL_CACHE_DIR", str(folder))
    tasks.mc_equilibrium_point._memo.clear()


def test_one_and_two_workers_print_identical_json(tmp_path, monkeypatch, capsys):
    """Each voltage is a task seeded from its parameters: a LocalCluster of one worker and one of two (each
    computing into an empty cache) print the same JSON, byte for byte."""
    out = {}
    for n in (1, 2):
        _fresh(monkeypatch, tmp_path / f"cache{n}")
        assert cli.main(["mc", *SMALL, "--workers", str(n), "--format", "json"]) == 0
        out[n] = capsys.readouterr().out
        files = list((tmp_path / f"cache{n}").glob("mc_equilibrium_point-*.npz"))
        assert len(files) == 2
        for f in files:  # a worker's result records its compute time like a local one (the cost of production)
            with np.load(f) as z:
                assert json.loads(str(z["__meta__"]))["seconds"] > 0
    assert out[1] == out[2]
    rec = json.loads(out[1])
    assert rec["volts"] == [0.36, 0.38] and len(rec["nu"]) == len(rec["tau"]) == 2
    assert all(0 <= nu <= 2 for nu in rec["nu"]) and all(t >= 0.5 for t in rec["tau"])
    assert rec["replicas"]["T_kelvin"][0] == 300.0 and len(rec["acceptance"][0]) == 2


def test_results_do_not_depend_on_order_or_on_the_other_voltages(tmp_path, monkeypatch):
    """In-process engine: the calls in reverse order, and one voltage alone, give the same results."""
    _fresh(monkeypatch, tmp_path / "a")
    dev = mc.DeviceParams(L=2)
    kw = dict(replicas=2, n_equil=5, n_measure=40, sweeps=2, seed=3)
    volts = [0.35, 0.36, 0.37]
    calls = tasks.equilibrium_calls(dev, 300.0, volts, **kw)
    forward = engine.compute(calls)
    _fresh(monkeypatch, tmp_path / "b")
    backward = engine.compute(calls[::-1])[::-1]
    _fresh(monkeypatch, tmp_path / "c")
    alone = engine.compute(tasks.equilibrium_calls(dev, 300.0, [0.36], **kw))[0]
    for f, b in zip(forward, backward):
        assert (f.nu, f.tau, f.seed) == (b.nu, b.tau, b.seed)
    assert (alone.nu, alone.seed) == (forward[1].nu, forward[1].seed)
    assert len({f.seed for f in forward}) == 3  # each voltage its own stream
    # a second compute reads the cache (nothing computed)
    tasks.mc_equilibrium_point._memo.clear()
    _, prov = tasks.mc_equilibrium_point.run(**calls[0][1])
    assert prov.cache_file is not None and prov.cache_file.endswith(".npz")


def test_a_worker_result_is_stored_under_the_call_key(tmp_path, monkeypatch):
    _fresh(monkeypatch, tmp_path)
    kw = tasks.equilibrium_calls(mc.DeviceParams(L=2), 300.0, [0.36], replicas=1, n_equil=2, n_measure=10,
                                 sweeps=1)[0][1]
    result = tasks.mc_equilibrium_point.fn(**kw)
    path = tasks.mc_equilibrium_point.store(result, **kw)
    tasks.mc_equilibrium_point._memo.clear()
    assert tasks.mc_equilibrium_point.available(**kw) and path.parent == tmp_path
    assert tasks.mc_equilibrium_point(**kw).nu == result.nu
    assert isinstance(cache.registry()["mc_equilibrium_point"], cache.Task)


@pytest.mark.parametrize("argv,words", [
    (["--volts", "0.3:0.4"], "--volts"),
    (["--volts", "0.3:0.4:0"], "--volts"),
    (["--volts", "0.3:0.4:2", "--L", "1"], "L"),
    (["--volts", "0.3:0.4:2", "--workers", "0"], "--workers"),
    (["--volts", "0.3:0.4:2", "--workers", "1", "--scheduler", "tcp://127.0.0.1:1"], "not allowed"),
    (["--volts", "0.3:0.4:2", "--a-nm", "3"], "b"),
    (["--volts", "0.3:0.4:2", "--t-max", "200"], "t-max"),
])
def test_bad_input_is_one_line_and_exit_2(argv, words, capsys):
    assert cli.main(["mc", "--T", "300", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err


def test_text_output_has_a_row_per_voltage(tmp_path, monkeypatch, capsys):
    _fresh(monkeypatch, tmp_path)
    monkeypatch.setattr(engine, "client", _no_cluster)
    assert cli.main(["mc", *SMALL]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 4 and rows[1].split()[:3] == ["V", "nu", "error"]
    assert np.isclose(float(rows[2].split()[0]), 0.36)


class _no_cluster:
    """engine.client stand-in: compute in this process (the text format is not about Dask)."""

    def __init__(self, *args):
        pass

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False
