"""Bad and unusual input on the command line: one line on stderr, exit status 2, no traceback, and never a
non-finite number on stdout. Most cases call ``cli.main(argv)`` (the function behind the ``supercrystal``
script); a few run the installed script in a subprocess."""
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from supercrystal import cli

CDSE = ["--a-nm", "2", "--b-nm", "2.5", "--material", "CdSe"]


def _main(argv, capsys):
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse's errors (and --help)
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("argv, words", [
    (["voltages", "--a-nm", "1e300", "--b-nm", "1e301"], "a_nm = 1e+300 nm is outside its range (0, 50]"),
    (["voltages", "--a-nm", "2", "--b-nm", "1e301", "--material", "CdSe"], "b_nm = 1e+301 nm is outside"),
    (["voltages", "--a-nm", "1e-300", "--b-nm", "2.5", "--material", "CdSe"], "E_q ~ 1/a^2 overflows"),
    (["voltages", "--a-nm", "1e-160", "--b-nm", "2.5", "--material", "CdSe", "--format", "json"],
     "V1 is not a finite number (inf)"),
    (["voltages", "--a-nm", "nan", "--b-nm", "2.5", "--material", "CdSe"], "a_nm must be finite"),
    (["voltages", "--a-nm", "inf", "--b-nm", "2.5", "--material", "CdSe"], "a_nm must be finite"),
    (["voltages", "--a-nm", "two", "--b-nm", "2.5"], "a_nm must be a number"),
    (["voltages", "--a-nm", "3", "--b-nm", "2.5", "--material", "CdSe"], "b_nm must exceed a_nm"),
    (["voltages", *CDSE, "--material", "Gold"], "material must be one of CdSe, PbSe, PbS, ZnO"),
    (["voltages", *CDSE, "--pore", "cubic"], "pore must be one of octahedral, tetrahedral"),
    (["voltages", *CDSE, "--e-ion-ev", "-1e2"], "e_ion_ev = -100.0 eV is outside its range [-10, 10]"),
    (["voltages", *CDSE, "--eps-nc", "-1"], "eps_nc = -1.0 is outside its range [0, 1000]"),
    (["voltages", *CDSE, "--epsilon", "-1"], "eps_nc = -1.0 is outside its range [0, 1000]"),
    (["voltages", *CDSE, "--cation-radius-nm", "1.2"], "does not fit the octahedral pore"),
    (["voltages", "--a-nm", "2", "--b-nm", "2.5", "--epsilon", "9.6"], "m_eff is required"),
    (["voltages", "--a-nm", "2"], "the following arguments are required: --b-nm"),
    (["voltages", *CDSE, "--format", "yaml"], "invalid choice: 'yaml'"),
    (["metal", "--rho", "1e-400"], "rho = 0.0 b is outside its range (0, 1]"),
    (["metal", "--rho", "-1e-3"], "rho = -0.001 b is outside its range (0, 1]"),
    (["metal", "--rho", "nan"], "rho must be finite"),
    (["metal", "--spheres", "all"], "spheres must be one of six, converged"),
    (["metal", "--definition", "mine"], "definition must be one of consistent, paper"),
    (["claims", "--id", "no.such.claim"], "unknown claim ids: ['no.such.claim']"),
    (["explode"], "invalid choice: 'explode'"),
    ([], "the following arguments are required: command"),
])
def test_bad_input_is_one_line_and_exit_2(argv, words, capsys):
    code, out, err = _main(argv, capsys)
    lines = err.strip().splitlines()
    assert code == 2 and out == "", (out, err)
    assert len(lines) == 1 and words in lines[0], lines
    assert lines[0].startswith("supercrystal")


def test_negative_number_with_an_exponent_is_a_value(capsys):
    """``--e-ion-ev -1e-1`` was refused as a missing argument while ``-0.5`` worked."""
    code, out, err = _main(["voltages", *CDSE, "--e-ion-ev", "-1e-1", "--format", "json"], capsys)
    assert code == 0, err
    shifted = json.loads(out)["V1"]
    code, out, _ = _main(["voltages", *CDSE, "--e-ion-ev", "-0.1", "--format", "json"], capsys)
    assert json.loads(out)["V1"] == shifted
    code, out, _ = _main(["voltages", *CDSE, "--format", "json"], capsys)
    assert json.loads(out)["V1"] == pytest.approx(shifted + 0.1)


def test_overridden_material_values_are_reported(capsys):
    code, out, _ = _main(["voltages", *CDSE, "--epsilon", "20", "--format", "json"], capsys)
    rec = json.loads(out)
    assert code == 0 and rec["material"] == "CdSe"
    assert rec["overrides"] == {"eps_nc": {"value": 20.0, "material": 9.6}}
    code, out, _ = _main(["voltages", *CDSE, "--eps-nc", "20", "--m-eff", "0.2"], capsys)
    assert "eps_nc = 20 replaces CdSe's 9.6 (data/materials.csv)" in out
    assert "m_eff = 0.2 replaces CdSe's 0.13" in out
    code, out, _ = _main(["voltages", *CDSE, "--epsilon", "0", "--format", "json"], capsys)  # 0: the material's
    assert json.loads(out)["overrides"] == {}


def test_material_name_is_case_insensitive(capsys):
    code, out, _ = _main(["voltages", "--a-nm", "2", "--b-nm", "2.5", "--material", "pbse", "--format", "json"],
                         capsys)
    assert code == 0 and json.loads(out)["material"] == "PbSe"


def _finite_json(text):
    def refuse(word):
        raise AssertionError(f"non-finite number {word} in the JSON output")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("a_nm", ["1e-3", "1e-10", "49.9"])
def test_json_output_is_always_finite(a_nm, capsys):
    code, out, err = _main(["voltages", "--a-nm", a_nm, "--b-nm", "50", "--material", "CdSe",
                            "--format", "json"], capsys)
    if code == 0:
        rec = _finite_json(out)
        assert math.isfinite(rec["V1"])
    else:
        assert code == 2 and len(err.strip().splitlines()) == 1


def test_installed_script_in_a_subprocess():
    """The ``supercrystal`` script itself: a bad radius is one line, exit 2, no traceback."""
    exe = shutil.which("supercrystal", path=str(Path(sys.executable).parent)) or "supercrystal"
    out = subprocess.run([exe, "voltages", "--a-nm", "1e-300", "--b-nm", "2.5", "--material", "CdSe"],
                         capture_output=True, text=True)
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    out = subprocess.run([exe, "voltages", *CDSE, "--e-ion-ev", "-1e-1", "--format", "json"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and _finite_json(out.stdout)["V1"] > 0


def test_the_command_line_and_the_runner_run_on_one_blas_thread():
    """Reproducible results (supercrystal.threads): the command line sets one BLAS thread before numpy loads,
    the runner for its kernels; a value the caller set is kept."""
    import os
    import subprocess
    import sys

    code = "import supercrystal.cli, os, numpy; print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "1"]
    out = subprocess.run([sys.executable, "-c", code], env=dict(env, OMP_NUM_THREADS="2"), capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == ["1", "2"]
    from supercrystal.book import runner
    assert runner.single_thread_blas.__module__ == "supercrystal.threads"
