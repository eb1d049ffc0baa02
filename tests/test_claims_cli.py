"""The claims registry and the command line."""
import json
import subprocess
import sys

import pytest

from supercrystal import cli
from supercrystal.book import claims

SEC3_IDS = ["pore.octahedral.radius", "pore.tetrahedral.radius", "madelung.rocksalt",
            "madelung.zincblende", "madelung.fluorite", "madelung.cscl", "gain.octahedral",
            "gain.tetrahedral", "coulomb.1s1s", "v2.madelung_difference"]


def test_registry_has_every_section3_id_computed():
    reg = {c.id: c for c in claims.registry()}
    for cid in SEC3_IDS:
        assert reg[cid].value is not None and reg[cid].status in ("reproduced", "corrected", "computed")


def test_status_rules():
    assert claims.status_of(None, 1.0, 0.1) == "open"
    assert claims.status_of(1.0, None, None) == "computed"
    assert claims.status_of(1.05, 1.0, 0.1) == "reproduced"
    assert claims.status_of(1.2, 1.0, 0.1) == "corrected"


def test_paper_gain_for_octahedral_pores_is_corrected():
    (c,) = claims.registry(["gain.octahedral"])
    assert c.status == "corrected" and abs(c.value - c.paper_value) > c.paper_error


def test_claims_json_from_the_command_line():
    out = subprocess.run([sys.executable, "-m", "supercrystal", "claims", "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    records = json.loads(out)
    ids = {r["id"] for r in records}
    assert set(SEC3_IDS) <= ids
    keys = {"id", "section", "equation", "quantity", "paper_value", "value", "unit", "status", "note"}
    assert all(keys <= set(r) for r in records)
    assert all(r["status"] in claims.STATUSES for r in records)


def test_voltages_json(capsys):
    assert cli.main(["voltages", "--a-nm", "2", "--b-nm", "2.5", "--epsilon", "9.6", "--m-eff",
                     "0.13", "--e-ion-ev", "0", "--pore", "octahedral", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["V2"] is None and out["V1"] > 0


def test_voltages_bad_input_is_one_line_and_exit_2(capsys):
    assert cli.main(["voltages", "--a-nm", "-2", "--b-nm", "2.5", "--epsilon", "9.6",
                     "--m-eff", "0.13"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "a_nm" in err[0]


def test_metal_cli_json_matches_the_solver():
    """`supercrystal metal` prints the conducting-sphere energy of metal.metal_energy, in e^2/b."""
    from supercrystal.spheres import metal

    out = subprocess.run([sys.executable, "-m", "supercrystal", "metal", "--lattice", "fcc", "--rho", "1",
                          "--state", "filled", "--format", "json"], capture_output=True, text=True, check=True)
    rec = json.loads(out.stdout)
    ref = metal.metal_energy("fcc", 1.0, "filled")
    assert rec["unit"] == "e^2/b"
    assert rec["energy"] == pytest.approx(ref.energy, abs=1e-12) and rec["error"] == pytest.approx(ref.error)


@pytest.mark.parametrize("args, name", [(["--rho", "0"], "rho"), (["--rho", "1.5"], "rho"),
                                        (["--lattice", "bcc"], "lattice"), (["--state", "half"], "state")])
def test_metal_cli_refuses_bad_input_naming_the_parameter(args, name):
    out = subprocess.run([sys.executable, "-m", "supercrystal", "metal", *args], capture_output=True, text=True)
    assert out.returncode == 2 and name in out.stderr and len(out.stderr.strip().splitlines()) == 1
