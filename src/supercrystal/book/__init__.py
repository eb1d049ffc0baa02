"""The book side, apart from the physics: results on disk, the claims registry, the chapter runner.

* :mod:`~supercrystal.book.cache` -- the content-addressed cache (parameters + code fingerprint), the seed.
* :mod:`~supercrystal.book.fingerprint` -- the code fingerprint of a task (import closure, normalised).
* :mod:`~supercrystal.book.tasks` -- the slow computations the chapters, claims and CLI share, cached.
* :mod:`~supercrystal.book.datafiles` -- figure data files (the numbers behind every figure).
* :mod:`~supercrystal.book.figures` -- every figure's style, size and font checks, SVG output glued for a
  numbered ``{glue:figure}`` with caption and alt text.
* :mod:`~supercrystal.book.claims` -- the registry of the paper's numerical claims, recomputed live.
* :mod:`~supercrystal.book.sources` -- the chapters' MyST Markdown sources (``book/<chapter>.md``) and the
  notebooks jupytext derives from them.
* :mod:`~supercrystal.book.paramfiles` -- parameter files (safe YAML, checked against :mod:`supercrystal.inputs`)
  and the chapters' ``parameters`` cells.
* :mod:`~supercrystal.book.notebooks` -- executed notebooks compared as nbval compares them.
* :mod:`~supercrystal.book.runner` -- papermill execution of the chapters: workers, signals, rerun books,
  each chapter's execution record.
* :mod:`~supercrystal.book.summary` -- the summary pages: claims table, results at a glance, execution status,
  what a parameter change costs.
* :mod:`~supercrystal.book.reach` -- which cached tasks a chapter parameter reaches (read from the code).
* :mod:`~supercrystal.book.sphinxext` -- Sphinx extension: version stamp, repository and launch buttons.

Nothing under :mod:`supercrystal.lattice`, :mod:`~supercrystal.semiconductor`, :mod:`~supercrystal.charging`,
:mod:`~supercrystal.spheres` or :mod:`~supercrystal.montecarlo` imports from here.
"""
