"""Conducting spheres by the multipole solver against closed forms and the classical image series."""
import numpy as np
import pytest

from supercrystal.spheres import harmonics, metal
from supercrystal.spheres import multipole as mp


def image_series(a, b, c, terms=5000):
    """Capacitance coefficients (C11, C21) of spheres a (held at 1) and b (grounded), centres c apart.

    Maxwell's image series, written independently of the solver: each image in one sphere has a Kelvin
    image in the other (charge -q R/s at R^2/s from the centre); the sums are the bispherical series.
    """
    q, z, q1, q2 = a, 0.0, a, 0.0
    for _ in range(terms):
        s = c - z
        qp, zp = -q * b / s, c - b * b / s
        q2 += qp
        q, z = -qp * a / zp, a * a / zp
        q1 += q
        if abs(q) < 1e-18:
            break
    return q1, q2


def test_spherical_harmonics_are_orthonormal():
    pts, w = mp.sphere_quadrature(14)
    y = mp.real_sph_harm(12, pts)
    gram = (y * w[:, None]).T @ y
    assert np.allclose(gram, np.eye(len(gram)), atol=1e-12)  # exact quadrature, rounding only


def test_wigner_blocks_rotate_functions():
    rot = mp.rotation_to_z(np.array([0.3, -0.5, 0.8]))
    blocks = mp.wigner_real(6, rot)
    rng = np.random.default_rng(1)
    coef = rng.normal(size=49)
    x = rng.normal(size=(5, 3))
    new = np.concatenate([blocks[l] @ coef[l * l:(l + 1) ** 2] for l in range(7)])
    f_old = mp.real_sph_harm(6, x) @ coef
    f_new = mp.real_sph_harm(6, x @ rot.T) @ new
    assert np.allclose(f_old, f_new, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_wigner_recursion_matches_quadrature_definition_to_l40(seed):
    # both are exact up to rounding; the quadrature's own round-off is ~2e-13 at l = 40
    u = np.random.default_rng(seed).normal(size=3)
    rot = mp.rotation_to_z(u) if seed != 2 else -mp.rotation_to_z(u)  # an improper one too
    rec, quad = mp.wigner_real(40, rot), harmonics.wigner_real_quadrature(40, rot)
    assert max(np.abs(a - b).max() for a, b in zip(rec, quad)) < 1e-12
    assert max(np.abs(a @ a.T - np.eye(len(a))).max() for a in rec) < 1e-12  # orthogonal blocks


def test_wigner_recursion_is_a_representation():
    # D(R1 R2) = D(R1) D(R2): the recursion composes rotations like the rotations themselves
    r1, r2 = mp.rotation_to_z(np.array([1.0, 2.0, -0.5])), mp.rotation_to_z(np.array([-0.3, 0.1, 0.9]))
    for a, b, c in zip(mp.wigner_real(20, r1 @ r2), mp.wigner_real(20, r1), mp.wigner_real(20, r2)):
        assert np.allclose(a, b @ c, atol=1e-13)


def test_sphere_projection_equals_the_quadrature_sum():
    # phi sums per m, then Gauss-Legendre: the same sum reordered, rounding only
    pts, w = mp.sphere_quadrature(20)
    f = np.exp(pts @ np.array([0.3, -0.8, 0.5])) + pts[:, 0] ** 3
    direct = mp.real_sph_harm(16, pts).T @ (w * f)
    assert np.allclose(harmonics.sphere_projection(f, 16, 20), direct, rtol=0, atol=1e-14)


def test_cached_quadrature_is_read_only():
    pts, w = mp.sphere_quadrature(10)
    assert mp.sphere_quadrature(10)[0] is pts  # computed once per process
    with pytest.raises(ValueError):
        w[0] = 0.0


def test_nested_solves_equal_separate_solves():
    # the 1- and 2-shell clusters as leading sub-blocks of the 3-shell system (block elimination)
    # against each system assembled and factorised on its own: rounding only
    centres, _ = metal.cluster("fcc", 3)
    counts = [len(metal.cluster("fcc", k)[0]) for k in (1, 2, 3)]
    orders = np.where(np.arange(len(centres)) < counts[0], 7, 4)
    cond = [[mp.Conductor((0,), charge=-1.0)]] * 3
    nested = mp.solve_nested(centres, 0.9, orders, counts, [[0.0, 0.0, 0.0]], [1.0], cond)
    for n, sol in zip(counts, nested):
        ref = mp.solve(centres[:n], 0.9, orders[:n], [[0.0, 0.0, 0.0]], [1.0], cond[0])
        assert sol.energy == pytest.approx(ref.energy, abs=1e-12)
        assert np.allclose(sol.capacitance, ref.capacitance, rtol=0, atol=1e-12)
        assert np.allclose(sol.point_potentials, ref.point_potentials, rtol=0, atol=1e-12)


@pytest.mark.parametrize("s", [1.3, 1.5, 3.0])
def test_kelvin_image_energy_grounded_sphere(s):
    # grounded sphere a = 1, charge q = 1 at s: U = 1/2 q phi_image = -a / (2 (s^2 - a^2)).
    # Error falls as (a/s)^(2L); L = 45 leaves < 1e-10 even at s = 1.3.
    sol = mp.solve([[0, 0, 0]], 1.0, 45, [[0, 0, s]], [1.0], [mp.Conductor((0,), potential=0.0)])
    assert sol.energy == pytest.approx(-1.0 / (2 * (s * s - 1)), abs=1e-9)
    assert sol.charges[0] == pytest.approx(-1.0 / s, abs=1e-12)  # only the monopole matters


@pytest.mark.parametrize("charge", [0.0, -1.0, 0.6])
def test_kelvin_image_energy_isolated_sphere(charge):
    # isolated sphere with charge Q: images -qa/s at a^2/s and Q + qa/s at the centre.
    a, s, q = 0.8, 1.5, 1.0
    pos = np.array([0.3, -0.9, 1.1])
    pos *= s / np.linalg.norm(pos)
    sol = mp.solve([[0, 0, 0]], a, 40, [pos], [q], [mp.Conductor((0,), charge=charge)])
    phi = -q * a / (s * s - a * a) + q * a / s**2 + charge / s
    v = (charge + q * a / s) / a
    exact = 0.5 * q * phi + 0.5 * charge * v
    assert sol.point_potentials[0] == pytest.approx(phi, abs=1e-11)  # (a/s)^(2*40) ~ 1e-16
    assert sol.potentials[0] == pytest.approx(v, abs=1e-12)
    assert sol.energy == pytest.approx(exact, abs=1e-11)


@pytest.mark.parametrize("b, sep", [(0.7, (1.3, 1.4, 0.5)), (1.0, (0.0, 0.0, 2.2))])
def test_two_sphere_capacitance_matches_image_series(b, sep):
    a = 1.0
    c = float(np.linalg.norm(sep))
    cap = mp.capacitance_matrix([[0, 0, 0], sep], [a, b], 40)
    c11, c21 = image_series(a, b, c)
    c22, c12 = image_series(b, a, c)
    # 1e-9: L = 40 is converged beyond that for these gaps (0.39 and 0.2 radii), see the rate test
    assert cap[0, 0] == pytest.approx(c11, abs=1e-9)
    assert cap[1, 1] == pytest.approx(c22, abs=1e-9)
    assert cap[0, 1] == pytest.approx(c21, abs=1e-9)
    assert c21 == pytest.approx(c12, abs=1e-13)  # the series themselves are reciprocal


def test_capacitance_matrix_is_symmetric():
    rng = np.random.default_rng(3)
    centres = np.array([[0, 0, 0], [2.3, 0.4, 0.0], [0.5, 2.4, 0.7], [1.0, 1.0, 2.2]])
    cap = mp.capacitance_matrix(centres, [1.0, 0.8, 0.9, 0.7], 16)
    # reciprocity C_ij = C_ji is not built in (each column is a separate solve); Galerkin error ~1e-7
    assert np.allclose(cap, cap.T, atol=1e-9)
    assert np.all(np.diag(cap) > 0) and np.all(cap[~np.eye(4, dtype=bool)] < 0)
    assert rng is not None


def test_charge_potential_energy_equals_eq14():
    centres = np.array([[0, 0, 0], [2.2, 0, 0], [0, 2.3, 0.4]])
    q = np.array([-1.0, 0.4, 0.3])
    sol = mp.solve(centres, [1.0, 0.9, 0.8], 20,
                   conductors=[mp.Conductor((i,), charge=q[i]) for i in range(3)])
    assert sol.energy == pytest.approx(0.5 * q @ sol.potentials, abs=1e-14)
    assert sol.energy == pytest.approx(sol.energy_eq14(), abs=1e-10)


def test_exponential_convergence_for_separated_spheres():
    # equal spheres a = 1 at distance 2.5: error of C11 falls like exp(-k L); the ratio of the
    # successive errors over equal steps of L must be (nearly) constant and small.
    c11, _ = image_series(1.0, 1.0, 2.5)
    errs = [abs(mp.capacitance_matrix([[0, 0, 0], [2.5, 0, 0]], 1.0, L)[0, 0] - c11) for L in (4, 8, 12)]
    r1, r2 = errs[1] / errs[0], errs[2] / errs[1]
    assert r1 < 1e-2 and r2 < 1e-2
    assert np.log(r2) / np.log(r1) == pytest.approx(1.0, abs=0.25)


def test_touching_spheres_as_one_conductor():
    # Two touching spheres a = 1 at one potential: C = 2 a ln 2 (Maxwell). Converges fast because
    # the charge density vanishes at the contact; L = 32 gives < 1e-12 (measured: 6e-9 at L = 16).
    sol = mp.solve([[0, 0, 0], [2, 0, 0]], 1.0, 32, conductors=[mp.Conductor((0, 1), potential=1.0)])
    assert sol.charges.sum() == pytest.approx(2 * np.log(2), abs=1e-11)
    assert sol.potentials[0] == sol.potentials[1] == 1.0


def test_invalid_input_raises():
    with pytest.raises(ValueError, match="radii"):
        mp.solve([[0, 0, 0]], -1.0)
    with pytest.raises(ValueError, match="overlap"):
        mp.solve([[0, 0, 0], [1, 0, 0]], 1.0)
    with pytest.raises(ValueError, match="outside"):
        mp.solve([[0, 0, 0]], 1.0, 4, [[0.5, 0, 0]], [1.0])
    with pytest.raises(ValueError, match="order"):
        mp.solve([[0, 0, 0]], 1.0, -1)
    with pytest.raises(ValueError, match="exactly one"):
        mp.Conductor((0,))
