"""The pair table of the lattice Monte Carlo of Sec. V, stored by translation symmetry.

The Monte Carlo computes what the paper's Sec. V estimates (the thermal and disorder broadening of the
steps of Fig. 4) on Sec. III's model: point charges in a uniform dielectric, interacting through the
periodic Ewald potential G of the super-crystal (:mod:`supercrystal.montecarlo.lattice`).

The periodic super-crystal of :mod:`supercrystal.montecarlo.lattice` is L^3 conventional cubes, each with
the same basis of ``nb`` sites (4 NCs and 4 octahedral or 8 tetrahedral pores).  Every cube translation
modulo the box is a symmetry, so the pair potential between site (b1, cell c) and site (b2, cell c + d)
depends on (b1, b2, d) only:

    G[(b1, c), (b2, c + d)] = values[b1, b2, d_x, d_y, d_z],   d taken modulo the grid (M_x, M_y, M_z).

That is nb^2 L^3 numbers, O(N) memory (N = nb L^3 sites), instead of N^2: 0.9 MB for octahedral pores
and 2 MB for tetrahedral ones at L = 12, against 1.5 GB and 3.4 GB dense.  A dense table is the special
case "every site its own basis site, one cell" (grid (1, 1, 1)), so the same class and the same compiled
kernel (:mod:`supercrystal.montecarlo.kernel`) serve the arbitrary tables of the exact-enumeration tests
and the periodic lattices.

The kernel never builds a row: after an accepted move it adds G[s, :] - G[i, :] to the potentials, and
with the potentials stored in *grid order* (basis site, then cell x, y, z) the part of row s on one
basis site and one x plane is a contiguous slice of a table extended periodically in y and z (length
2M - 1 each, :meth:`PairTable.kernel_arrays`: 3.3 MB octahedral, 7.3 MB tetrahedral at L = 12), so the
update is a run of contiguous, vectorised loops.  Measured (benchmarks/bench_montecarlo.py, CPU time per
attempted move through the charging step at 300 K): as fast as the dense rows at L = 5-6, 1.5-2 times
faster at L = 7-8, where the dense matrix no longer fits in cache.  Up to :data:`DENSE_SITES` sites the
kernel is given the dense expansion instead (equally fast there; the same values and the same arithmetic
as before the table was made compact, so the chains are bitwise those of the dense implementation).

Sign and symmetry: values[b1, b2, d] = values[b2, b1, -d] (G symmetric); the constructors check it and
store the symmetrised table.  Units are those of the caller (1/b for the Monte Carlo).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

#: Up to this many sites the kernel runs on the dense expansion of the table (2 MB at 512 sites: the
#: octahedral lattice at L <= 4, the default, and the gated layer of 16 x 16 NCs): there the two are
#: equally fast and the dense rows reproduce the chains of the dense implementation bit for bit;
#: beyond, the compact table is as fast or faster (1.5-2 times at L = 7-8, bench_montecarlo.py).
DENSE_SITES = 512
#: :meth:`PairTable.dense` refuses tables larger than this many sites (0.5 GB).
DENSE_MAX = 8192


@dataclass(frozen=True, eq=False)
class PairTable:
    """A symmetric pair table invariant under the translations of a periodic grid of cells.

    Attributes
    ----------
    values : (nb, nb, Mx, My, Mz) G between basis site b1 of a cell and basis site b2 of the cell
        displaced by (dx, dy, dz) (module docstring).
    site_basis : (n,) basis index of each site (sites in the caller's order).
    site_cells : (n, 3) integer cell coordinates of each site, in [0, M).
    """

    values: np.ndarray
    site_basis: np.ndarray
    site_cells: np.ndarray

    def __post_init__(self):
        # own read-only copies (the caller's arrays keep their flags)
        object.__setattr__(self, "values", np.array(self.values, dtype=float))
        object.__setattr__(self, "site_basis", np.array(self.site_basis, dtype=np.int64).reshape(-1))
        object.__setattr__(self, "site_cells", np.array(self.site_cells, dtype=np.int64))
        v, b, c = self.values, self.site_basis, self.site_cells
        if v.ndim != 5 or v.shape[0] != v.shape[1]:
            raise ValueError(f"values must have shape (nb, nb, Mx, My, Mz) (got {v.shape})")
        if b.ndim != 1 or c.shape != (len(b), 3):
            raise ValueError("site_basis must be (n,) and site_cells (n, 3)")
        if b.min() < 0 or b.max() >= v.shape[0] or np.any(c < 0) or np.any(c >= np.array(v.shape[2:])):
            raise ValueError("site_basis or site_cells out of the table's range")
        key = (b * np.prod(v.shape[2:]) + (c[:, 0] * v.shape[3] + c[:, 1]) * v.shape[4] + c[:, 2])
        if len(np.unique(key)) != len(b):
            raise ValueError("two sites share a basis index and a cell")
        for a in (v, b, c):
            a.flags.writeable = False

    # ---------------------------------------------------------------- constructors
    @classmethod
    def from_dense(cls, G: np.ndarray) -> PairTable:
        """The dense special case: every site its own basis site, one cell (grid (1, 1, 1))."""
        G = np.ascontiguousarray(G, dtype=float)
        n = len(G)
        if G.ndim != 2 or G.shape != (n, n) or not np.allclose(G, G.T):
            raise ValueError("G must be a symmetric square matrix")
        return cls(values=G.reshape(n, n, 1, 1, 1).copy(), site_basis=np.arange(n, dtype=np.int64),
                   site_cells=np.zeros((n, 3), np.int64))

    @classmethod
    def from_values(cls, values: np.ndarray, site_basis, site_cells, sym_tol: float = 1e-8) -> PairTable:
        """A table from its values (module docstring), checked symmetric to ``sym_tol`` times max |G|
        and stored symmetrised, 0.5 (values[b1, b2, d] + values[b2, b1, -d]).  ValueError otherwise."""
        v = np.asarray(values, dtype=float)
        if v.ndim != 5 or v.shape[0] != v.shape[1]:
            raise ValueError(f"values must have shape (nb, nb, Mx, My, Mz) (got {v.shape})")
        if not np.all(np.isfinite(v)):
            raise ValueError("values must be finite (a basis pair or displacement was not filled)")
        vt = np.roll(v[:, :, ::-1, ::-1, ::-1], 1, axis=(2, 3, 4)).transpose(1, 0, 2, 3, 4)  # v[b2,b1,-d]
        scale = max(float(np.max(np.abs(v), initial=0.0)), 1e-300)
        asym = float(np.max(np.abs(v - vt), initial=0.0))
        if asym > sym_tol * scale:
            raise ValueError(f"values must be symmetric, G[a, b] = G[b, a] (largest difference "
                             f"{asym:.3g}, {asym / scale:.3g} of max |G|; sym_tol={sym_tol:g})")
        return cls(values=np.ascontiguousarray(0.5 * (v + vt)),
                   site_basis=np.asarray(site_basis, np.int64).copy(),
                   site_cells=np.asarray(site_cells, np.int64).reshape(-1, 3).copy())

    # ---------------------------------------------------------------- shape
    @property
    def n_sites(self) -> int:
        return len(self.site_basis)

    @property
    def n_basis(self) -> int:
        return self.values.shape[0]

    @property
    def grid(self) -> tuple[int, int, int]:
        """(Mx, My, Mz): cells per axis of the translation grid."""
        return tuple(int(m) for m in self.values.shape[2:])

    @property
    def nbytes(self) -> int:
        """Memory of the stored values, bytes (the kernel's extended copy: :meth:`kernel_nbytes`)."""
        return int(self.values.nbytes)

    # ---------------------------------------------------------------- reading it
    def _index(self, a, b):
        """Indices into ``values`` of the pairs (a, b) (arrays of site indices, broadcast)."""
        a, b = np.asarray(a), np.asarray(b)
        d = (self.site_cells[b] - self.site_cells[a]) % np.array(self.grid)
        return self.site_basis[a], self.site_basis[b], d[..., 0], d[..., 1], d[..., 2]

    def pair(self, a, b):
        """G[a, b] for site indices a, b (scalars or broadcastable arrays)."""
        return self.values[self._index(a, b)]

    def row(self, a: int) -> np.ndarray:
        """G[a, :], (n_sites,)."""
        return self.pair(a, np.arange(self.n_sites))

    def rows(self, reference_sites) -> np.ndarray:
        """G from each reference site to every site: (len(reference_sites), n_sites)."""
        ref = np.asarray(reference_sites, dtype=np.int64)
        return self.pair(ref[:, None], np.arange(self.n_sites)[None, :])

    def dense(self) -> np.ndarray:
        """The (n_sites, n_sites) matrix (refused above :data:`DENSE_MAX` sites); cached when small."""
        if self.n_sites <= DENSE_SITES:
            return self._dense_cached
        return self._dense()

    @cached_property
    def _dense_cached(self) -> np.ndarray:
        g = self._dense()
        g.flags.writeable = False
        return g

    def _dense(self) -> np.ndarray:
        n = self.n_sites
        if n > DENSE_MAX:
            raise ValueError(f"the dense pair table of {n} sites would take {8 * n * n / 1e9:.1f} GB "
                             f"(limit {DENSE_MAX} sites); use potential() or pair()")
        g = np.empty((n, n))
        step = max(1, (1 << 20) // n)
        cols = np.arange(n)
        for start in range(0, n, step):
            rows = np.arange(start, min(n, start + step))
            g[rows] = self.pair(rows[:, None], cols[None, :])
        return g

    def potential(self, q: np.ndarray) -> np.ndarray:
        """phi = G q for charges q (n_sites,): the dense product when small, else by FFT over the grid
        (a convolution on the periodic cells, O(N log N))."""
        q = np.asarray(q, dtype=float)
        if self.n_sites <= DENSE_SITES:
            return self.dense() @ q
        nb, grid = self.n_basis, self.grid
        qg = np.zeros((nb,) + grid)
        np.add.at(qg, (self.site_basis, *self.site_cells.T), q)
        # phi_b1(c) = sum_b2 sum_d values[b1, b2, d] q_b2(c + d) = sum_b2 (values[b2, b1] * q_b2)(c)
        fq = np.fft.rfftn(qg, axes=(1, 2, 3))
        fv = np.fft.rfftn(self.values, axes=(2, 3, 4))
        phi = np.fft.irfftn(np.einsum("abxyz,axyz->bxyz", fv, fq), s=grid, axes=(1, 2, 3))
        return phi[(self.site_basis, *self.site_cells.T)]

    def energy(self, q: np.ndarray) -> float:
        """1/2 q.G.q (the dense product when small, as before the table was compact)."""
        q = np.asarray(q, dtype=float)
        if self.n_sites <= DENSE_SITES:
            return 0.5 * float(q @ self.dense() @ q)
        return 0.5 * float(q @ self.potential(q))

    # ---------------------------------------------------------------- for the compiled kernel
    def kernel_arrays(self, dense: bool | None = None) -> tuple:
        """Arguments of :func:`supercrystal.montecarlo.kernel.mc_kernel` for this table:
        (ext, nb, Mx, My, Mz, sb, sx, sy, sz, gidx).

        ``dense``: True gives the dense expansion (ext the (n, n) matrix, nb = n, grid (1, 1, 1)); False
        the compact table
        extended periodically in y and z, ext[b1, b2, dx, Y, Z] = values[b1, b2, dx, Y - My + 1,
        Z - Mz + 1] (indices modulo the grid), with the potentials in grid order padded to
        (nb, Mx, My, 2Mz - 1) (gidx: each site's place); None: dense up to :data:`DENSE_SITES` sites.
        """
        if dense is None:
            dense = self.n_sites <= DENSE_SITES or self.grid == (1, 1, 1)
        return self._dense_arrays if dense else self._compact_arrays

    @cached_property
    def _dense_arrays(self) -> tuple:
        n = self.n_sites
        z = np.zeros(n, np.int64)
        ar = np.arange(n, dtype=np.int64)
        return (np.array(self.dense(), order="C"), n, 1, 1, 1, ar, z, z, z, ar)

    @cached_property
    def _compact_arrays(self) -> tuple:
        nb = self.n_basis
        mx, my, mz = self.grid
        iy = (np.arange(2 * my - 1) - (my - 1)) % my
        iz = (np.arange(2 * mz - 1) - (mz - 1)) % mz
        ext = np.ascontiguousarray(self.values[:, :, :, iy][:, :, :, :, iz]).ravel()
        sb = self.site_basis.copy()
        sx, sy, sz = (np.ascontiguousarray(self.site_cells[:, k]) for k in range(3))
        gidx = ((sb * mx + sx) * my + sy) * (2 * mz - 1) + sz
        return (ext, nb, mx, my, mz, sb, sx, sy, sz, gidx.astype(np.int64))

    def kernel_nbytes(self, dense: bool | None = None) -> int:
        """Memory of the kernel's copy of the table, bytes."""
        return int(self.kernel_arrays(dense)[0].nbytes)
