"""The Metropolis kernel of the grand-canonical lattice Monte Carlo (Sec. V), compiled by numba.

Moves (every one keeps the cell neutral, so the Ewald table's background constant never enters, see
:mod:`supercrystal.montecarlo.lattice`): insert or remove an electron-cation pair (a random NC and a
random pore, the global pair move, or a random NC and one of its adjacent pores, the local pair move;
insert or remove with probability 1/2 each), hop an electron to one of the k neighbouring NCs, hop a
cation to one of the k neighbouring pores (k the same for all sites).

Detailed balance: every proposal is symmetric, and is accepted with
min(1, g'/g exp(-beta Delta(H - mu N))), g = prod_i g(n_i) the spin degeneracy.  The tests compare the
histograms with exact enumeration (:func:`supercrystal.montecarlo.thermo.exact_distribution`).  After an
accepted move the potentials phi = G q are updated in O(n_sites); H is summed incrementally and rebuilt
from scratch at each voltage.

The pair table G is read by index arithmetic from its translation-symmetric form
(:class:`supercrystal.montecarlo.pairtable.PairTable`, arrays of :meth:`~PairTable.kernel_arrays`):
G[a, b] = ext[b_a, b_b, (x_b - x_a) mod Mx, y_b - y_a + My - 1, z_b - z_a + Mz - 1] for sites a = (basis
b_a, cell x_a, y_a, z_a), and the potentials are kept in grid order (site a at phi[gidx[a]]), so that the
update after a move is one contiguous loop per basis site and x plane.  A dense table (the case of one
cell) is passed as the 2-d matrix: numba then compiles the kernel a second time with the dense reads
(the helpers below are overloaded on ext.ndim, resolved at compile time), which are the arithmetic of
the dense implementation, so a dense run reproduces its chain bit for bit and at the same speed.
"""
import numpy as np

try:  # numba compiles the inner loop; without it the same code runs (slowly) in Python
    from numba import njit
    from numba.extending import overload
except ImportError:  # pragma: no cover
    overload = None

    def njit(*args, **kwargs):
        if args and callable(args[0]):
            return args[0]
        return lambda f: f


def _g(ext, nb, mx, my, mz, sb, sx, sy, sz, a, b):
    """G[a, b] (module docstring): ext[a, b] for a dense (2-d) table, else from the extended table."""
    if ext.ndim == 2:
        return ext[a, b]
    dx = sx[b] - sx[a]
    if dx < 0:
        dx += mx
    return ext[(((sb[a] * nb + sb[b]) * mx + dx) * (2 * my - 1) + sy[b] - sy[a] + my - 1)
               * (2 * mz - 1) + sz[b] - sz[a] + mz - 1]


def _add_difference(phi, ext, nb, mx, my, mz, sb, sx, sy, sz, a, b):
    """phi += G[a, :] - G[b, :] (phi in grid order)."""
    if ext.ndim == 2:
        for k in range(len(phi)):
            phi[k] += ext[a, k] - ext[b, k]
        return
    _add_difference_compact(phi, ext, nb, mx, my, mz, sb, sx, sy, sz, a, b)


def _add_difference_compact(phi, ext, nb, mx, my, mz, sb, sx, sy, sz, a, b):
    ey = 2 * my - 1
    ez = 2 * mz - 1
    length = (my - 1) * ez + mz  # the (y, z) plane of one x, padded rows included
    ba, xa = sb[a], sx[a]
    bb, xb = sb[b], sx[b]
    oa = (my - 1 - sy[a]) * ez + mz - 1 - sz[a]
    ob = (my - 1 - sy[b]) * ez + mz - 1 - sz[b]
    for b2 in range(nb):
        for x in range(mx):
            dxa = x - xa
            if dxa < 0:
                dxa += mx
            dxb = x - xb
            if dxb < 0:
                dxb += mx
            p0 = (b2 * mx + x) * my * ez
            a0 = ((ba * nb + b2) * mx + dxa) * ey * ez + oa
            b0 = ((bb * nb + b2) * mx + dxb) * ey * ez + ob
            out = phi[p0:p0 + length]
            ra = ext[a0:a0 + length]
            rb = ext[b0:b0 + length]
            for k in range(length):
                out[k] += ra[k] - rb[k]


def _site(gidx, ext, a):
    """Where site a's potential is kept: a itself for a dense table, else gidx[a]."""
    if ext.ndim == 2:
        return a
    return gidx[a]


def _potentials(ext, nb, mx, my, mz, sb, sx, sy, sz, gidx, q):
    """phi = G q in grid order (padded), and 1/2 q.phi."""
    if ext.ndim == 2:  # dense: the matrix product of the dense implementation
        phi = ext @ q
        return phi, 0.5 * np.dot(q, phi)
    return _potentials_compact(ext, nb, mx, my, mz, sb, sx, sy, sz, gidx, q)


def _potentials_compact(ext, nb, mx, my, mz, sb, sx, sy, sz, gidx, q):
    ey = 2 * my - 1
    ez = 2 * mz - 1
    length = (my - 1) * ez + mz
    phi = np.zeros(nb * mx * my * ez)
    for a in range(len(q)):
        if q[a] == 0.0:
            continue
        qa = q[a]
        ba, xa = sb[a], sx[a]
        oa = (my - 1 - sy[a]) * ez + mz - 1 - sz[a]
        for b2 in range(nb):
            for x in range(mx):
                dxa = x - xa
                if dxa < 0:
                    dxa += mx
                p0 = (b2 * mx + x) * my * ez
                a0 = ((ba * nb + b2) * mx + dxa) * ey * ez + oa
                out = phi[p0:p0 + length]
                ra = ext[a0:a0 + length]
                for k in range(length):
                    out[k] += qa * ra[k]
    u = 0.0
    for a in range(len(q)):
        u += q[a] * phi[gidx[a]]
    return phi, 0.5 * u


if overload is not None:  # numba: resolve the dense / compact choice at compile time, by ext.ndim
    _add_difference_compact_jit = njit(cache=True)(_add_difference_compact)
    _potentials_compact_jit = njit(cache=True)(_potentials_compact)

    @overload(_g)
    def _g_ol(ext, nb, mx, my, mz, sb, sx, sy, sz, a, b):
        if ext.ndim == 2:
            return lambda ext, nb, mx, my, mz, sb, sx, sy, sz, a, b: ext[a, b]

        def compact(ext, nb, mx, my, mz, sb, sx, sy, sz, a, b):
            dx = sx[b] - sx[a] + (mx if sx[b] < sx[a] else 0)
            return ext[(((sb[a] * nb + sb[b]) * mx + dx) * (2 * my - 1) + sy[b] - sy[a] + my - 1)
                       * (2 * mz - 1) + sz[b] - sz[a] + mz - 1]
        return compact

    @overload(_site)
    def _site_ol(gidx, ext, a):
        if ext.ndim == 2:
            return lambda gidx, ext, a: a
        return lambda gidx, ext, a: gidx[a]

    @overload(_add_difference)
    def _add_difference_ol(phi, ext, nb, mx, my, mz, sb, sx, sy, sz, a, b):
        if ext.ndim == 2:
            def dense(phi, ext, nb, mx, my, mz, sb, sx, sy, sz, a, b):
                for k in range(len(phi)):
                    phi[k] += ext[a, k] - ext[b, k]
            return dense
        return lambda phi, ext, nb, mx, my, mz, sb, sx, sy, sz, a, b: _add_difference_compact_jit(
            phi, ext, nb, mx, my, mz, sb, sx, sy, sz, a, b)

    @overload(_potentials)
    def _potentials_ol(ext, nb, mx, my, mz, sb, sx, sy, sz, gidx, q):
        if ext.ndim == 2:
            def dense(ext, nb, mx, my, mz, sb, sx, sy, sz, gidx, q):
                phi = ext @ q
                return phi, 0.5 * np.dot(q, phi)
            return dense
        return lambda ext, nb, mx, my, mz, sb, sx, sy, sz, gidx, q: _potentials_compact_jit(
            ext, nb, mx, my, mz, sb, sx, sy, sz, gidx, q)


@njit(cache=True)
def mc_kernel(ext, nb, mx, my, mz, sb, sx, sy, sz, gidx, n_nc, nc_nb, pore_nb, nc_pores, eq, er, e_ion,
              mus, beta, n, c, n_equil, n_measure, seed, p_pair, p_local, p_hop, n_min, n_max):
    """Metropolis chain over the voltages ``mus`` (in order, state carried over; n, c are updated in
    place), energies in e^2/(eps b), beta = 1/kT; the pair table as (ext, nb, mx, my, mz, sb, sx, sy,
    sz, gidx) (:meth:`~supercrystal.montecarlo.pairtable.PairTable.kernel_arrays`; ext 2-d: the dense
    matrix, 1-d: the extended compact table); returns the
    per-sweep series of N_el and H (without -mu N), shape (len(mus), n_measure).  Moves that would take
    N_el outside [n_min, n_max] are rejected (a restricted ensemble; the check comes before any further
    random draw, so unrestricted bounds leave the random stream unchanged)."""
    np.random.seed(seed)
    n_pore = len(c)
    nsite = n_nc + n_pore
    log_g = np.array([0.0, np.log(2.0), 0.0])
    q = np.empty(nsite)
    n_series = np.empty((len(mus), n_measure), dtype=np.int64)
    e_series = np.empty((len(mus), n_measure))
    k_nc = nc_nb.shape[1]
    k_pore = pore_nb.shape[1]
    k_local = nc_pores.shape[1]
    p_pairs = p_pair + p_local
    for m in range(len(mus)):
        mu = mus[m]
        # fresh potentials and energy at each voltage (no drift of the incremental sums)
        for a in range(n_nc):
            q[a] = -n[a]
        for p in range(n_pore):
            q[n_nc + p] = c[p]
        phi, u0 = _potentials(ext, nb, mx, my, mz, sb, sx, sy, sz, gidx, q)
        h = 0.0
        n_el = 0
        for a in range(n_nc):
            h += eq[a] * n[a] + (er[a] if n[a] == 2 else 0.0)
            n_el += n[a]
        for p in range(n_pore):
            h += e_ion * c[p]
        h += u0
        for sweep in range(n_equil + n_measure):
            for attempt in range(nsite):
                r = np.random.random()
                if r < p_pairs:
                    # global: a random NC and a random pore; local: a random NC and one of its
                    # adjacent pores.  Either way the reverse move draws the same (i, p) with the
                    # same probability, so the proposal is symmetric.
                    i = np.random.randint(0, n_nc)
                    if r < p_pair:
                        p = np.random.randint(0, n_pore)
                    else:
                        p = nc_pores[i, np.random.randint(0, k_local)]
                    s = n_nc + p
                    if np.random.random() < 0.5:  # insert
                        if n[i] == 2 or c[p] == 1 or n_el >= n_max:
                            continue
                        du = (-phi[_site(gidx, ext, i)] + phi[_site(gidx, ext, s)]
                              + 0.5 * (_g(ext, nb, mx, my, mz, sb, sx, sy, sz, i, i)
                                       + _g(ext, nb, mx, my, mz, sb, sx, sy, sz, s, s))
                              - _g(ext, nb, mx, my, mz, sb, sx, sy, sz, i, s))
                        dsite = eq[i] + (er[i] if n[i] == 1 else 0.0) + e_ion
                        dh = dsite + du
                        arg = -beta * (dh - mu) + log_g[n[i] + 1] - log_g[n[i]]
                        if arg < 0.0 and np.random.random() >= np.exp(arg):
                            continue
                        n[i] += 1
                        c[p] = 1
                        n_el += 1
                        h += dh
                        _add_difference(phi, ext, nb, mx, my, mz, sb, sx, sy, sz, s, i)
                    else:  # remove
                        if n[i] == 0 or c[p] == 0 or n_el <= n_min:
                            continue
                        du = (phi[_site(gidx, ext, i)] - phi[_site(gidx, ext, s)]
                              + 0.5 * (_g(ext, nb, mx, my, mz, sb, sx, sy, sz, i, i)
                                       + _g(ext, nb, mx, my, mz, sb, sx, sy, sz, s, s))
                              - _g(ext, nb, mx, my, mz, sb, sx, sy, sz, i, s))
                        dsite = -eq[i] - (er[i] if n[i] == 2 else 0.0) - e_ion
                        dh = dsite + du
                        arg = -beta * (dh + mu) + log_g[n[i] - 1] - log_g[n[i]]
                        if arg < 0.0 and np.random.random() >= np.exp(arg):
                            continue
                        n[i] -= 1
                        c[p] = 0
                        n_el -= 1
                        h += dh
                        _add_difference(phi, ext, nb, mx, my, mz, sb, sx, sy, sz, i, s)
                elif r < p_pairs + p_hop:  # electron hop i -> j
                    i = np.random.randint(0, n_nc)
                    j = nc_nb[i, np.random.randint(0, k_nc)]
                    if n[i] == 0 or n[j] == 2:
                        continue
                    du = (phi[_site(gidx, ext, i)] - phi[_site(gidx, ext, j)]
                          + 0.5 * (_g(ext, nb, mx, my, mz, sb, sx, sy, sz, i, i)
                                   + _g(ext, nb, mx, my, mz, sb, sx, sy, sz, j, j))
                          - _g(ext, nb, mx, my, mz, sb, sx, sy, sz, i, j))
                    dsite = eq[j] - eq[i] + (er[j] if n[j] == 1 else 0.0) - (er[i] if n[i] == 2 else 0.0)
                    dh = dsite + du
                    arg = (-beta * dh + log_g[n[i] - 1] + log_g[n[j] + 1]
                           - log_g[n[i]] - log_g[n[j]])
                    if arg < 0.0 and np.random.random() >= np.exp(arg):
                        continue
                    n[i] -= 1
                    n[j] += 1
                    h += dh
                    _add_difference(phi, ext, nb, mx, my, mz, sb, sx, sy, sz, i, j)
                else:  # cation hop p -> t
                    if k_pore == 0:
                        continue
                    p = np.random.randint(0, n_pore)
                    t = pore_nb[p, np.random.randint(0, k_pore)]
                    if c[p] == 0 or c[t] == 1:
                        continue
                    s = n_nc + p
                    u = n_nc + t
                    dh = (-phi[_site(gidx, ext, s)] + phi[_site(gidx, ext, u)]
                          + 0.5 * (_g(ext, nb, mx, my, mz, sb, sx, sy, sz, s, s)
                                   + _g(ext, nb, mx, my, mz, sb, sx, sy, sz, u, u))
                          - _g(ext, nb, mx, my, mz, sb, sx, sy, sz, s, u))
                    arg = -beta * dh
                    if arg < 0.0 and np.random.random() >= np.exp(arg):
                        continue
                    c[p] = 0
                    c[t] = 1
                    h += dh
                    _add_difference(phi, ext, nb, mx, my, mz, sb, sx, sy, sz, u, s)
            if sweep >= n_equil:
                n_series[m, sweep - n_equil] = n_el
                e_series[m, sweep - n_equil] = h
    return n_series, e_series
