"""Tests of the Appendix A image recursion (supercrystal.spheres.images)."""
import numpy as np
import pytest

from supercrystal.spheres import images as im


def test_kelvin_image_makes_the_sphere_an_equipotential_at_zero():
    rng = np.random.default_rng(1)
    centre, a = np.array([0.3, -0.2, 0.1]), 0.7
    r = centre + np.array([[1.5, 0.4, -0.2]])
    qi, ri = im.kelvin_image(np.array([1.0]), r, centre, a)
    u = rng.normal(size=(50, 3))
    surf = centre + a * u / np.linalg.norm(u, axis=1)[:, None]
    phi = 1 / np.linalg.norm(surf - r, axis=1) + qi / np.linalg.norm(surf - ri, axis=1)
    assert np.max(np.abs(phi)) < 1e-13   # exact identity, round-off only


def test_six_fcc_spheres_sit_at_sqrt2_from_the_octahedral_cation():
    c = im.sphere_cluster("fcc")
    assert c.shape == (6, 3)
    assert np.allclose(np.linalg.norm(c, axis=1), np.sqrt(2.0), atol=1e-12)
    assert np.allclose(c.sum(axis=0), 0.0, atol=1e-12)
    assert im.sphere_cluster("sc").shape == (8, 3)


@pytest.mark.parametrize("a, d", [(1.0, np.sqrt(2.0)), (0.5, 1.3)])
def test_single_sphere_energy_matches_closed_form(a, d):
    """Charge +e and one sphere of charge -e: U = -e^2/d - e^2 a^3 / (2 d^2 (d^2 - a^2))."""
    rec = im.image_recursion(a, 0, centres=np.array([[d, 0.0, 0.0]]))
    u = im.consistent_energy(rec.energy[0], rec.mean_potential[0], a)
    exact = -1 / d - a**3 / (2 * d**2 * (d**2 - a**2))
    assert u == pytest.approx(exact, rel=1e-13)


def test_first_generation_matches_the_paper_charges():
    """Rule 1 at rho = 1: e' = e/sqrt(2); the paper's generation-0 energy follows in closed form."""
    rec = im.image_recursion(1.0, 0)
    d, a = np.sqrt(2.0), 1.0
    e1 = a / d
    # charged sphere: -e' at a^2/d, -(1-e') at centre; five neutral: -e' at a^2/d, +e' at centre.
    pos = {"near": d - a * a / d}
    phi_charged = -e1 / pos["near"] - (1 - e1) / d
    # the other five spheres: four at distance d from the cation in perpendicular directions and the
    # opposite one; by symmetry each image sits at distance d - a^2/d from the cation, the centre at d.
    phi_neutral = 5 * (-e1 / pos["near"] + e1 / d)
    assert rec.energy[0] == pytest.approx(0.5 * (phi_charged + phi_neutral), rel=1e-13)


def test_operator_reproduces_point_image_generations():
    """The multipole matrix M is the recursion: e_K agree with the literal point-image rules.

    At rho = 0.8 the field of each sphere's images is analytic out to ~(2 - 0.8)/0.8 radii, so the
    lmax = 8 truncation error is ~1e-4 relative of e_0; later generations inherit it.
    """
    rec = im.image_recursion(0.8, 4)
    op = im.recursion_operator(0.8, 8)
    e = im.operator_generations(op, 4)
    assert np.allclose(e, rec.energy, rtol=0, atol=2e-4)
    v = [op.v0] + [op.potential_row @ np.linalg.matrix_power(op.matrix, k) @ op.source
                   for k in range(4)]
    assert np.allclose(v, rec.mean_potential, rtol=0, atol=2e-4)


def test_grounded_pair_spectral_radius_is_bispherical_exp_minus_mu():
    """Two grounded spheres (rule 4 dropped) at centre distance D: ratio e^-mu, cosh mu = D/(2a)."""
    a, centres = 0.6, ((-1.0, 1.0, 0.0), (1.0, 1.0, 0.0))
    op = im.build_operator(centres, a, 8, compensate=False)
    r = np.max(np.abs(np.linalg.eigvals(op.matrix)))
    assert r == pytest.approx(np.exp(-np.arccosh(2.0 / (2 * a))), rel=1e-8)  # l-truncation ~ 0.33^9


def test_spectral_radius_agrees_with_power_iteration_on_point_charges():
    """Two methods for r(M): eigenvalues of the multipole matrix vs growth of the literal recursion.

    At rho = 0.9 the second eigenvalue is small enough that |e_{K+2}/e_K|^(1/2) settles to 1e-4 by
    K = 7; the lmax = 8 truncation error of r is ~2e-4 (compare lmax = 12: 0.81155).
    """
    rec = im.image_recursion(0.9, 7)
    r = im.spectral_radius(0.9, 8)
    assert rec.growth_ratio()[-1] == pytest.approx(r, abs=5e-4)


def test_recursion_diverges_at_contact_with_a_negative_eigenvalue():
    """rho = 1: r(M) ~ 1.24 > 1 and the dominant eigenvalue is negative (oscillating partial sums)."""
    lam = im.dominant_eigenvalue(1.0, 6)
    assert lam.real < -1.2 and abs(lam.imag) < 1e-9
    rec = im.image_recursion(1.0, 5)
    assert np.all(np.diff(np.sign(rec.energy)) != 0)
    assert np.all(np.abs(rec.energy[2:]) > np.abs(rec.energy[1:-1]))


def test_damped_sum_equals_resolvent():
    """sum_K eta^K e_K (series, converging for eta r < 1) equals one solve (I - eta M)^-1 b."""
    op = im.recursion_operator(0.8, 6)
    e = im.operator_generations(op, 200)
    eta = 0.9
    series = np.sum(eta ** np.arange(len(e)) * e)
    assert series == pytest.approx(im.recursion_limit(0.8, 6, eta=eta).paper, rel=1e-12)


def test_sequential_ordering_converges_where_the_paper_ordering_diverges():
    assert im.spectral_radius(1.0, 6, order="sequential") < 1.0 < im.spectral_radius(1.0, 6)


@pytest.mark.parametrize("kwargs", [dict(rho=0.0), dict(rho=1.2), dict(rho=float("nan")),
                                    dict(rho=0.5, lattice="bcc"), dict(rho=0.5, generations=-1)])
def test_bad_parameters_raise(kwargs):
    with pytest.raises(ValueError):
        im.image_recursion(**kwargs)


def test_damped_energy_refuses_divergent_eta():
    with pytest.raises(ValueError, match="diverges"):
        im.damped_energy(1.0, 0.9, lmax=4)
