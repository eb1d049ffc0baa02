"""Test-session settings.  One BLAS thread (as ``make test`` sets too): the multipole solver does many
small matrix products, which a threaded OpenBLAS slows down many-fold on a loaded 2-core machine.  This
only takes effect when pytest is run directly and numpy has not been imported yet."""
from supercrystal.threads import single_thread_blas

single_thread_blas()
