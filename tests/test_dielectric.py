"""Dielectric spheres (polarizable NCs between Secs. III and IV): the sphere's response against the classic
image series, the limits kappa = 1 and kappa -> infinity, reciprocity, the periodic lattice against a finite
cluster, and the command line."""
import json
import subprocess
import sys

import numpy as np
import pytest
from scipy.special import eval_legendre

from supercrystal.lattice import geometry
from supercrystal.lattice.ewald import madelung
from supercrystal.spheres import dielectric as de
from supercrystal.spheres import metal
from supercrystal.spheres import multipole as mp


def _madelung_energy(lattice):
    c = geometry.crystal({"fcc": "rocksalt", "sc": "cscl"}[lattice])
    return -madelung(c) / c.distance


def legendre_series(a, kappa, s, r, cos_gamma, terms=2000):
    """Potential at distance r (angle gamma from the charge) of the polarization of a dielectric sphere of
    radius a by a unit charge at distance s, written independently of the solver: the exterior solution
    -sum_l (kappa-1) l / (kappa l + l + 1) a^(2l+1) / (s r)^(l+1) P_l(cos gamma) (Jackson Sec. 4.4)."""
    l = np.arange(1, terms)
    chi = (kappa - 1) * l / (kappa * l + l + 1)
    return -np.sum(chi * a / (s * r) * (a * a / (s * r)) ** l * eval_legendre(l, cos_gamma))


def test_susceptibility_limits():
    l = np.arange(0, 6)
    assert np.all(de.susceptibility(1.0, l) == 0.0)
    assert de.susceptibility(np.inf, l) == pytest.approx(np.r_[0.0, np.ones(5)], abs=0)
    assert de.susceptibility(3.0, 1) == pytest.approx(2 / 5)  # (kappa - 1)/(kappa + 2), Clausius-Mossotti
    assert np.all(de.susceptibility(0.5, l[1:]) < 0)  # a core less polarizable than the liquid repels field


@pytest.mark.parametrize("kappa", [3.0, 0.4, 40.0])
@pytest.mark.parametrize("s", [1.0, 1.6])
def test_one_sphere_matches_the_legendre_series(kappa, s):
    # a = 0.8, L = 60: the truncation error is ~ (a/s)^(2L+2) < 2e-12 at s = 1 (chi_l < 1)
    a = 0.8
    charge = np.array([0.2, -0.5, 0.9]) * s / np.linalg.norm([0.2, -0.5, 0.9])
    probe = np.array([-1.1, 0.3, 0.4])
    sol = de.solve([[0, 0, 0]], a, 60, kappa, [charge, probe], [1.0, 0.0])
    r = np.linalg.norm(probe)
    cos_gamma = charge @ probe / (s * r)
    assert sol.energy == pytest.approx(0.5 * legendre_series(a, kappa, s, s, 1.0), abs=1e-11)
    g_ind = sol.green[0, 1] - 1 / np.linalg.norm(charge - probe)
    assert g_ind == pytest.approx(legendre_series(a, kappa, s, r, cos_gamma), abs=1e-12)


@pytest.mark.parametrize("call, words", [
    (lambda: de.check_kappa(0.0), "kappa"), (lambda: de.check_kappa(float("nan")), "kappa"),
    (lambda: de.solve([[0, 0, 0], [1.5, 0, 0]], 0.8, 4, 2.0, [[0, 0, 3]], [1.0]), "overlap"),
    (lambda: de.solve([[0, 0, 0]], 0.8, 4, 2.0, [[0.1, 0, 0]], [1.0]), "inside a sphere"),
    (lambda: de.filled_lattice("fcc", 1.2, 2.0), "rho"),
    (lambda: de.pair_clusters("fcc", 0.8, 2.0, n_shells=2), "n_shells"),
])
def test_invalid_input_raises_naming_it(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def _three_spheres():
    centres = np.array([[0.0, 0.0, 0.0], [2.0, 0.1, -0.2], [-0.3, 1.9, 0.5]])
    radii = np.array([0.9, 0.8, 0.85])
    sites = np.array([centres[0], centres[2], [1.0, 1.0, 0.1], [-1.2, -0.4, 0.9]])  # two electrons, two ions
    return centres, radii, sites


def test_unit_kappa_leaves_no_polarization():
    # chi_l = 0 for every l: the system is the identity and the induced multipoles vanish identically
    centres, radii, sites = _three_spheres()
    s = de.spheres(centres, radii, 10)
    x = de.response(s, de.projections(s, sites), 1.0)
    assert np.all(x == 0.0)
    f = de.filled_lattice("fcc", 0.9, 1.0, order=12)
    assert f.energy == _madelung_energy("fcc")


@pytest.mark.parametrize("kappa", [3.0, 0.3, np.inf])
def test_green_function_is_reciprocal(kappa):
    # G_ind = -P^T W (1 + chi K)^-1 chi P is symmetric because K W^-1 is (the exact coupling is reciprocal):
    # only the quadrature of the coupling integrals (~1e-15) breaks it, whatever the orders (here unequal)
    centres, radii, sites = _three_spheres()
    sol = de.solve(centres, radii, [14, 10, 12], kappa, sites, np.ones(len(sites)))
    g = sol.green
    assert np.max(np.abs(g - g.T)) < 1e-12 * np.max(np.abs(g))
    assert np.all(np.diag(g) < 0) if kappa > 1 else np.all(np.diag(g) > 0)  # images attract / repel


def test_large_kappa_converges_to_fixed_charge_conductors_as_one_over_kappa():
    # conductors with charges -1 (sphere 0) and 0, a cation outside: Sec. IV's consistent energy.  chi_l - 1
    # = -(2l+1)/((kappa+1) l + 1) ~ 1/kappa, so the energy approaches it like 1/kappa.
    centres = [[0.0, 0.0, 0.0], [1.9, 0.3, 0.2]]
    radii, cation = [0.8, 0.9], [0.9, 1.2, -0.3]
    ref = mp.solve(centres, radii, 30, [cation], [1.0], [mp.Conductor((0,), charge=-1.0),
                                                         mp.Conductor((1,), charge=0.0)])
    exact = ref.energy - 1 / (2 * 0.8)  # minus the isolated self-energy of the charged sphere
    e = {k: de.solve(centres, radii, 30, k, [cation, centres[0]], [1.0, -1.0]).energy for k in
         (np.inf, 1e2, 1e3, 1e4)}
    assert e[np.inf] == pytest.approx(exact, abs=1e-12)  # the same equations at chi_l = 1
    d = [e[k] - exact for k in (1e2, 1e3, 1e4)]
    assert d[0] / d[1] == pytest.approx(10.0, rel=0.02)  # next order ~ 1/kappa^2: 1 % at kappa = 100
    assert d[1] / d[2] == pytest.approx(10.0, rel=0.002)
    assert all(x > 0 for x in d)  # a finite kappa screens less


def test_filled_lattice_at_infinite_kappa_is_the_metal():
    for lattice, rho in (("fcc", 0.9), ("sc", 1.0)):
        f = de.filled_lattice(lattice, rho, np.inf, order=16)
        assert f.energy == pytest.approx(metal.filled_lattice(lattice, rho, order=16).energy, abs=1e-13)


@pytest.mark.parametrize("lattice", ["fcc", "sc"])
def test_filled_energy_falls_monotonically_with_kappa(lattice):
    e = [de.filled_lattice(lattice, 0.8, k, order=12).energy for k in (0.5, 1.0, 1.5, 3.0, 8.0, np.inf)]
    assert np.all(np.diff(e) < 0)
    assert e[1] == pytest.approx(_madelung_energy(lattice), abs=1e-15)


def test_pair_clusters_at_infinite_kappa_are_the_metal_ones():
    # nearest shell and two shells (14 spheres), same orders: the same linear problem as metal's
    # conductors of fixed charge, solved through the dielectric equations (by GMRES for the 3-shell cluster)
    c = de.pair_clusters("fcc", 0.9, (np.inf, 1.0), order=10, near_order=14, n_shells=3)
    for shells in (1, 2, 3):
        m = metal._pair_solution("fcc", 0.9, shells, 10, metal.FAR_ORDER)[0]
        assert c.energy[0, shells - 1] == pytest.approx(m, abs=1e-11)
    assert c.near[0, 2] == pytest.approx(metal.single_pair("fcc", 0.9, 1, 14).consistent, abs=1e-11)
    assert np.all(c.energy[1] == -1 / np.sqrt(2))  # kappa = 1: the Coulomb pair, -1/d exactly


def test_remainder_of_a_power_law_is_its_tail():
    orders = np.array([8, 10, 12])
    e = 1.0 + 0.1 * orders**-2.5  # algebraic convergence (touching spheres): the tail is 0.1 * 12^-2.5
    assert de.remainder(e, orders) == pytest.approx(0.1 * 12**-2.5, rel=1e-9)
    e = 1.0 + 0.3 * 0.25 ** np.arange(3)  # geometric, fast: the estimate is the last step
    assert de.remainder(e, orders) == pytest.approx(abs(e[2] - e[1]))
    assert de.remainder([1.0, 1.1, 1.3], orders) == np.inf  # not converging


def _evjen_cube(n):
    """Rock-salt sites (step sqrt2 b) in [-n, n]^3 around an NC, Evjen weights on the surface: neutral, no
    dipole, the NC at the centre has the full O_h symmetry."""
    idx = np.arange(-n, n + 1)
    g = np.stack(np.meshgrid(idx, idx, idx, indexing="ij"), -1).reshape(-1, 3)
    w = np.prod(np.where(np.abs(g) == n, 0.5, 1.0), axis=1)
    nc = g.sum(1) % 2 == 0
    centres = g[nc] * np.sqrt(2)
    centres = centres[np.argsort(np.linalg.norm(centres, axis=1), kind="stable")]  # the central NC first
    return centres, g * np.sqrt(2), np.where(nc, -w, w)


def test_periodic_filled_lattice_matches_the_centre_of_a_finite_cluster():
    # The induced energy per pair is a sum over spheres of 1/2 sum_lm W A_lm P_lm (the module docstring's
    # identity); the central sphere of an Evjen cube of dielectric spheres holding the charges approaches
    # the periodic value as the surface recedes: measured at rho = 0.7, kappa = 3 and inf, 75 % off for
    # n = 1, 1.1 % for n = 2, 2e-4 for n = 3 (171 spheres, too slow here).  Order 8 (the periodic solution
    # at 12 differs by < 1e-6 at this rho).
    rho, kappas = 0.7, (3.0, np.inf)
    periodic = np.array([de.filled_lattice("fcc", rho, k, order=12).induced_energy for k in kappas])
    err = []
    for n in (1, 2):
        centres, pos, q = _evjen_cube(n)
        s = de.spheres(centres, rho, 8)
        b = de.projections(s, pos) @ q
        own = slice(s.offsets[0], s.offsets[1])
        centre = [-0.5 * (s.weights[own] * b[own]) @ de.response(s, b, k)[own] for k in kappas]
        err.append(np.abs(np.array(centre) - periodic))
    assert np.all(err[1] < 0.02 * np.abs(periodic))
    assert np.all(err[1] < err[0] / 30)


# --------------------------------------------------------------------------- the command line
def _spheres_cli(args, cache):
    exe = [sys.executable, "-m", "supercrystal"]
    env = {"SUPERCRYSTAL_CACHE_DIR": str(cache), "OPENBLAS_NUM_THREADS": "1", "PATH": ""}
    return subprocess.run(exe + list(args), capture_output=True, text=True, env=env)


@pytest.mark.parametrize("args, words", [
    (["--eps-ratio", "0"], "eps_ratio = 0.0 is outside its range (0, inf]"),
    (["--eps-ratio", "-2"], "eps_ratio = -2.0 is outside its range (0, inf]"),
    (["--eps-ratio", "nan"], "eps_ratio must be a number, not NaN"),
    (["--eps-ratio", "-inf"], "eps_ratio = -inf is outside its range (0, inf]"),
    (["--eps-ratio", "3", "--rho", "0"], "rho = 0.0 b is outside its range (0, 1]"),
    (["--eps-ratio", "3", "--rho", "1.5"], "rho = 1.5 b is outside its range (0, 1]"),
    (["--eps-ratio", "3", "--state", "half"], "state must be one of single, filled"),
    (["--rho", "0.5"], "the following arguments are required: --eps-ratio"),
])
def test_spheres_cli_refuses_bad_input_in_one_line(args, words, tmp_path):
    out = _spheres_cli(["spheres", *args], tmp_path)
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2 and out.stdout == ""
    assert len(lines) == 1 and words in lines[0] and lines[0].startswith("supercrystal"), lines


def test_spheres_cli_at_infinite_kappa_agrees_with_metal(tmp_path):
    common = ["--lattice", "fcc", "--rho", "0.6", "--state", "filled", "--format", "json"]
    sph = _spheres_cli(["spheres", "--eps-ratio", "inf", *common], tmp_path)
    met = _spheres_cli(["metal", *common], tmp_path)
    a, b = json.loads(sph.stdout), json.loads(met.stdout)
    assert a["unit"] == "e^2/(eps_liquid b)" and a["eps_ratio"] == "inf" and not a["provenance"]["cached"]
    assert abs(a["energy"] - b["energy"]) <= a["error"] + b["error"]
    again = json.loads(_spheres_cli(["spheres", "--eps-ratio", "inf", *common], tmp_path).stdout)
    assert again["provenance"]["cached"] and again["energy"] == a["energy"]


def test_spheres_cli_at_unit_kappa_gives_point_charges_and_accepts_kappa_below_one(tmp_path):
    single = json.loads(_spheres_cli(["spheres", "--rho", "0.6", "--eps-ratio", "1", "--state", "single",
                                      "--format", "json"], tmp_path).stdout)
    assert single["energy"] == pytest.approx(-1 / np.sqrt(2), abs=1e-14)  # Eq. (3): -e^2/(eps sqrt2 b)
    low = _spheres_cli(["spheres", "--rho", "0.6", "--eps-ratio", "0.5", "--state", "filled", "--format",
                        "json"], tmp_path)
    assert low.returncode == 0
    assert json.loads(low.stdout)["energy"] > _madelung_energy("fcc")  # cores that repel the field


def test_gain_tends_to_the_metal_gain_as_one_over_kappa():
    # rho = 0.9, nearest shell (Sec. IV's six spheres) and the periodic filled lattice at order 14: the gain
    # u_s - u_full reaches metal's consistent gain (Sec. IV) like 1/kappa, the rate of every chi_l
    rho, order = 0.9, 14
    six, _ = metal.cluster("fcc", 1)
    metal_gain = (metal.single_pair("fcc", rho, 1, order).consistent
                  - metal.filled_lattice("fcc", rho, order=order).energy)
    s = de.spheres(six, rho, order)
    p = de.projections(s, de.pair_sites("fcc"))

    def gain(kappa):
        single = -1 / np.sqrt(2) + de.induced_energy(s, p, de.PAIR, kappa)
        return single - de.filled_lattice("fcc", rho, kappa, order=order).energy

    assert gain(np.inf) == pytest.approx(metal_gain, abs=1e-11)
    d = [gain(k) - metal_gain for k in (1e2, 1e3)]
    assert d[0] / d[1] == pytest.approx(10.0, rel=0.03)
    assert gain(1.0) == pytest.approx(-1 / np.sqrt(2) - _madelung_energy("fcc"), abs=1e-14)  # Sec. III: (M - 1)/d


@pytest.mark.parametrize("lattice", ["fcc", "sc"])
def test_gain_table_ends_are_sec3_and_sec4(lattice, monkeypatch):
    # the two ends of the polar chapter's table through the dielectric solver, against independent code:
    # kappa = 1 is Sec. III's point-charge gain (M - 1)/d (Ewald Madelung constants), kappa = inf Sec. IV's
    # consistent gain (conducting-sphere solver of metal, its own cluster extrapolation and filled lattice);
    # small clusters (3 shells) and low orders, the same for both solvers
    from supercrystal.semiconductor import energies

    rho, order, near = 0.7, 6, 10
    c = de.pair_clusters(lattice, rho, (1.0, np.inf), order=order, near_order=near, n_shells=3)

    def gain(kappa):
        return (de.converged_pair(c, kappa).energy
                - de.filled_lattice(lattice, rho, kappa, order=metal.filled_default_order(rho)).energy)

    point = energies.collective_gain("octahedral") if lattice == "fcc" else -1 / np.sqrt(3) - _madelung_energy("sc")
    assert gain(1.0) == pytest.approx(point, abs=1e-12)
    if lattice == "fcc":  # Sec. III's own number (0.5286)
        assert gain(1.0) == pytest.approx(-1 / np.sqrt(2) - _madelung_energy("fcc"), abs=1e-12)
    # Sec. IV: metal's clusters at the same orders (3 shells), its converged pair and filled lattice
    monkeypatch.setitem(metal.CLUSTER_SHELLS, lattice, 3)
    monkeypatch.setattr(metal, "cluster_order", lambda r: order)
    monkeypatch.setattr(metal, "FAR_ORDER", order)
    pair = metal.converged_pair(metal.cluster_energies(lattice, rho), metal.single_pair(lattice, rho, 1, near))
    metal_gain = pair.consistent_limit - metal.filled_lattice(lattice, rho).energy
    assert gain(np.inf) == pytest.approx(metal_gain, abs=1e-9)
