"""The claims registry and the command line."""
import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_paper_values_are_floats_or_none():
    assert claims.paper_value("madelung.rocksalt") == 1.75
    assert isinstance(claims.paper_value("madelung.rocksalt"), float)  # never the CSV's string
    assert claims.paper_error("metal.fcc.single_pair_six") == 0.1
    assert claims.paper_value("madelung.cscl") is None and claims.paper_error("madelung.cscl") is None
    with pytest.raises(ValueError, match="no.such"):
        claims.paper_value("no.such.claim")


def test_every_note_is_a_function_of_the_computed_claim():
    assert all(callable(rule.note) for rule in claims._COMPUTE.values())
    (c,) = claims.registry(["dipoles.rocksalt.exact"])  # quotes the point-dipole value, computed now
    assert f"{claims.dipoles.rocksalt_dipoles().point_conducting:.4f}" in c.note


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


def test_metal_cli_json_matches_the_solver_and_says_where_it_came_from(tmp_path):
    """`supercrystal metal` prints the conducting-sphere energy, computed now by the solver on a miss
    (a rho the seed does not hold, into the user cache, never into data/cache) and read back on the next
    call; "provenance" says which, with the cache file and the code fingerprint."""
    from supercrystal.book import cache
    from supercrystal.spheres import metal

    seed_before = sorted(p.name for p in cache.seed_dir().iterdir())
    env = {**os.environ, "SUPERCRYSTAL_CACHE_DIR": str(tmp_path)}
    cmd = [sys.executable, "-m", "supercrystal", "metal", "--lattice", "fcc", "--rho", "0.45", "--state", "filled",
           "--format", "json"]
    first = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout)
    again = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout)
    f = metal.filled_lattice("fcc", 0.45)
    lower = metal.filled_lattice("fcc", 0.45, order=f.order - 4)
    assert first["unit"] == "e^2/b"
    assert first["energy"] == pytest.approx(f.energy, abs=1e-12)
    assert first["error"] == pytest.approx(metal.truncation_error(f, lower))
    assert first["provenance"]["cached"] is False and again["provenance"]["cached"] is True
    assert first["provenance"]["cache_file"] == again["provenance"]["cache_file"]
    assert Path(first["provenance"]["cache_file"]).parent == tmp_path
    assert first["provenance"]["fingerprint"] == again["provenance"]["fingerprint"]
    assert sorted(p.name for p in cache.seed_dir().iterdir()) == seed_before


@pytest.mark.parametrize("args, name", [(["--rho", "0"], "rho"), (["--rho", "1.5"], "rho"),
                                        (["--lattice", "bcc"], "lattice"), (["--state", "half"], "state")])
def test_metal_cli_refuses_bad_input_naming_the_parameter(args, name):
    out = subprocess.run([sys.executable, "-m", "supercrystal", "metal", *args], capture_output=True, text=True)
    assert out.returncode == 2 and name in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_w_over_kt_tolerance_states_its_origin():
    # issue #12: the +-1 under which W ~ 5 k_B T is "reproduced" is the precision of the print (one significant
    # digit marked '~'), said in the note next to the number the tolerance applies to
    (c,) = claims.registry(["thermal.W_over_kT"])
    assert c.paper_error == 1 and c.status == "reproduced"
    assert "tolerance +-1 is the precision of the print" in c.note and "'W ~ 5 k_B T_R'" in c.note
    assert abs(c.value - c.paper_value) <= c.paper_error
