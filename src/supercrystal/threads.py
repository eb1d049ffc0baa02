"""One BLAS thread for every process that computes the book's cached results.

A threaded BLAS sums in an order that depends on the number of threads, so a linear solve differs in its last
bits from one machine load to the next.  Most results do not notice; a Monte Carlo chain does: the Green's
function of the polarizable-NC lattice (:mod:`supercrystal.spheres.lattice_green`) differing at 1e-16 flips a
rare Metropolis decision, and the chain continues as another, equally valid sample (measured: the polar
chapter's T_c moved from 195.8 to 195.5 K under the same cache key).  The content-addressed cache then holds
two different values for one key, and a notebook checked against one of them fails against the other.  With
one thread the results are bit-for-bit reproducible, and the multipole solver (many small products) is faster
on a loaded machine too.  ``make`` sets it for its targets; the book runner and the command line set it for
themselves (and their child processes) when the caller has not.
"""
from __future__ import annotations

import os

#: the thread-count variables of the BLAS builds numpy and scipy may load
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def single_thread_blas() -> dict[str, str]:
    """Set each of :data:`BLAS_THREAD_VARIABLES` to 1 unless the caller set it; the resulting values.  Takes
    effect in this process only if numpy is not imported yet, and in every child process it starts."""
    for name in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    return {name: os.environ[name] for name in BLAS_THREAD_VARIABLES}
