"""Test-session settings.  One BLAS thread (as ``make test`` sets too): the multipole solver does many
small matrix products, which a threaded OpenBLAS slows down many-fold on a loaded 2-core machine.  This
only takes effect when pytest is run directly and numpy has not been imported yet."""
from supercrystal.threads import single_thread_blas

single_thread_blas()


import pytest  # noqa: E402


@pytest.fixture
def book_figure_style():
    """The book's matplotlib style (``figures.setup``) for one test, restored afterwards, figures closed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from supercrystal.book import figures

    with matplotlib.rc_context():
        figures.setup()
        yield
    plt.close("all")
