"""Parameter files through the book runner's entry point (``python -m supercrystal.book.runner --params``).

Every bad file is refused before any chapter runs: exit status 2, every problem on its own line naming the
file (and the line, where YAML gives one), no traceback. The good cases stop short of executing the book:
``run`` is replaced by a stub that records the parameters each chapter would get.
"""
import os
import subprocess
import sys

import pytest

from supercrystal.book import paramfiles, runner
from supercrystal.paths import ROOT


def _refused(path, capsys):
    code = runner.main(["--params", str(path), "--jobs", "1"])
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == 2, captured
    assert lines and all(line.startswith(f"{path}: ") for line in lines), lines
    assert "Traceback" not in captured.err and captured.out == ""
    return lines


@pytest.fixture
def no_run(monkeypatch, tmp_path):
    """The runner without execution: ``run`` records its tasks; books are built under tmp_path."""
    calls = []

    def fake_run(tasks, jobs, signals=None, logs=None):
        calls.append({t.name: t.parameters for t in tasks})
        return runner.RunResult()

    monkeypatch.setattr(runner, "run", fake_run)
    monkeypatch.setattr(runner, "build_dir", lambda: tmp_path / "_build")
    return calls


@pytest.mark.parametrize("text, words", [
    ("spread_small: 0.4\n", ["spread_small = 0.4 is outside its range [0, 0.3]"]),     # sec5_monte_carlo's range
    ("rho_patch: 1.0\n", ["rho_patch = 1.0 b is outside its range (0, 1)"]),           # App. C's
    ("b_nm: 2.0\n", ["b_nm must exceed a_nm"]),                                        # a_nm keeps 2.0
    ("a_min_nm: 5.0\n", ["a_min_nm must not exceed a_max_nm"]),
    ("lattice: bcc\n", ["lattice must be one of fcc, sc"]),
    ("layer: hexagonal\n", ["layer must be one of square, triangular"]),
    ("pore: cubic\n", ["pore must be one of octahedral, tetrahedral"]),
    ("material: Gold\n", ["material must be one of"]),
    ("L: 3.0\n", ["L must be a whole number"]),
    ("a_nm: .inf\n", ["a_nm must be finite"]),
    ("a_nm: two\n", ["a_nm must be a number"]),
    ("production: 1\n", ["production must be true or false"]),
    ("radius: 2\n", ["unknown parameter 'radius'"]),
    ("a_n: 2.0\n", ["did you mean a_nm"]),
    ("n_coarse: 200\n", ["n_coarse < n_mid < n_fine"]),
])
def test_bad_value_is_refused_naming_it(tmp_path, capsys, text, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    err = "\n".join(_refused(path, capsys))
    for w in words:
        assert w in err


def test_every_error_of_the_file_is_reported_at_once(tmp_path, capsys):
    path = tmp_path / "many.yaml"
    path.write_text("spread_small: 0.4\nb_nm: 1.0\na_min_nm: 5.0\nlattice: bcc\nlayer: hexagonal\n"
                    "radius: 1\nrho: 1.0\nrho: 0.5\n")
    lines = _refused(path, capsys)
    text = "\n".join(lines)
    assert "line 8: duplicate key 'rho' (first on line 7)" in text
    for words in ("spread_small", "b_nm must exceed a_nm", "a_min_nm", "lattice", "layer", "'radius'",
                  "cation_radius_nm=0.5 does not fit"):
        assert words in text
    assert len(lines) == 8


@pytest.mark.parametrize("content, words", [
    (b"a_nm: [2.0\n", "line 2, column 1: not valid YAML"),
    (b"a_nm: 2.0\n  b_nm: 3.0\n", "line 2, column 7: not valid YAML: mapping values are not allowed here"),
    (b"a_nm: 2.0\nmaterial: PbSe\xff\n", "line 2: not UTF-8 text (byte 0xff at offset 24)"),
    (b"a_nm: !!python/object/apply:os.system ['echo pwned']\n",
     "line 1, column 7: not valid YAML: could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object/apply:os.system' (only plain YAML is read"),
    (b"- a_nm\n- 2.0\n", "must be a mapping of parameter names to values (got a list"),
    (b"a_nm: 2.0\na_nm: 2.2\n", "line 2: duplicate key 'a_nm' (first on line 1)"),
    (b"just text\n", "must be a mapping of parameter names to values (got a str"),
])
def test_unreadable_file_is_one_line(tmp_path, capsys, content, words):
    path = tmp_path / "p.yaml"
    path.write_bytes(content)
    (line,) = _refused(path, capsys)
    assert words in line


def test_missing_file_and_folder(tmp_path, capsys):
    (line,) = _refused(tmp_path / "nope.yaml", capsys)
    assert line.endswith("no such file")
    (line,) = _refused(tmp_path, capsys)
    assert "is a folder" in line


def test_yaml_1_1_exponent_without_dot_is_a_float(tmp_path, capsys, no_run):
    """PyYAML (YAML 1.1) reads ``1e-3`` as the string '1e-3': a float parameter accepts it."""
    path = tmp_path / "exp.yaml"
    path.write_text("a_nm: 1e-3\nmaterial: pbse\n")
    assert runner.main(["--params", str(path)]) == 0
    (per,) = no_run
    assert per["sec3_semiconductor"] == {"a_nm": 1e-3, "material": "PbSe"}
    assert per["appB_laplace"] is None and per["appC_inequality"] is None


def test_empty_file_says_it_builds_the_default_book(tmp_path, capsys, no_run):
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n")
    assert runner.main(["--params", str(path)]) == 0
    out = capsys.readouterr().out
    assert "sets no parameter (empty file): every chapter runs with its defaults" in out
    assert all(v is None for v in no_run[0].values())
    assert (tmp_path / "_build" / "books" / "empty" / "book").is_dir()


def test_book_is_built_aside_and_renamed_into_place(tmp_path, capsys, no_run):
    """Two runs of one file never share a folder: each builds in .<stem>.building-<pid> and renames the
    finished book into place; another live runner's folder is left alone, a dead one's is removed."""
    books = tmp_path / "_build" / "books"
    (books / "pbse").mkdir(parents=True)
    (books / "pbse" / "old-marker").write_text("previous book")
    other = books / f".pbse.building-{os.getppid()}"  # a live process: another runner at work
    (other / "book").mkdir(parents=True)
    (other / "book" / "finished.ipynb").write_text("{}")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = books / f".pbse.building-{dead}"
    stale.mkdir()
    path = tmp_path / "pbse.yaml"
    path.write_text("material: PbSe\n")
    assert runner.main(["--params", str(path)]) == 0
    assert (other / "book" / "finished.ipynb").exists(), "another runner's work was deleted"
    assert not stale.exists()
    assert not (books / "pbse" / "old-marker").exists() and (books / "pbse" / "_toc.yml").exists()
    assert sorted(p.name for p in books.iterdir()) == sorted([".pbse.lock", other.name, "pbse"])


def test_refused_params_from_the_command_line():
    """The real entry point in a subprocess: exit status 2, one line, no traceback."""
    out = subprocess.run([sys.executable, "-m", "supercrystal.book.runner", "--params",
                          str(ROOT / "params" / "nonexistent.yaml")], capture_output=True, text=True)
    assert out.returncode == 2 and out.stderr.strip().endswith("nonexistent.yaml: no such file")
    assert len(out.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("path", sorted((ROOT / "params").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_parameter_files_are_valid(path):
    values, per = paramfiles.read_parameter_file(path)
    assert values and per


@pytest.mark.parametrize("argv, words", [
    (["--jobs", "0"], "--jobs must be a whole number of at least 1"),
    (["--jobs", "-1"], "--jobs must be a whole number of at least 1"),
    (["nochapter"], "unknown chapter(s): nochapter"),
    (["--params", "x.yaml", "sec1_introduction"], "give no chapter, --out or --figure-dir with it"),
])
def test_runner_arguments(argv, words, capsys):
    try:
        code = runner.main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and words in err[0], err
