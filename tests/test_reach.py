"""What a parameter change recomputes (src/supercrystal/book/reach.py) and costs (summary.parameter_costs).

The rerun page's column "a change costs" is computed, not typed: the tasks a parameter reaches are read from
the chapter's code, their cost from data/compute_times.json.  These tests check the reading on a small
chapter written here (a parameter passed to a task through a dict, a loop, a chapter function; one only
printed) and on the book's own chapters where the answer is known from their physics: Sec. III's formulas
have no slow result, the Monte Carlo's temperature reaches its sweeps, App. B's grids its finite-difference
studies while its demonstration grid is solved on the spot.
"""
from __future__ import annotations

import pytest

from supercrystal.book import reach, summary
from supercrystal.paths import ROOT

CHAPTER = '''---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
    jupytext_version: 1.19.6
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A small chapter

```{code-cell} ipython3
:tags: [parameters]

rho: float = 0.9  # radius
lmax: int = 8  # order
cutoff: float = 0.5  # a limit
label: str = "fcc"  # printed only
```

```{code-cell} ipython3
from supercrystal.book import tasks

settings = dict(r=rho)
energy = tasks.metal_energy("fcc", settings["r"], "filled")
print(label, energy)
radii = []
for r in (0.5, 1.0):
    if r > cutoff:
        radii.append(r)
sweep = [tasks.spectral_radius(r, lmax) for r in radii]


def clusters(x):
    return tasks.pair_clusters(label_free, x)


label_free = "sc"
more = clusters(0.8)
```
'''


@pytest.fixture
def chapter(tmp_path):
    path = tmp_path / "small.md"
    path.write_text(CHAPTER)
    return path


def test_the_parameters_reach_the_tasks_their_values_flow_into(chapter):
    found = reach.parameter_reach(chapter)
    assert list(found) == ["rho", "lmax", "cutoff", "label"]
    assert "metal_energy" in found["rho"] and "spectral_radius" not in found["rho"]
    assert found["lmax"] == {"spectral_radius"}
    assert found["cutoff"] == {"spectral_radius"}  # through the list filled in a loop under its test
    assert found["label"] == set()  # printed, never an argument of a task


def test_the_call_graph_follows_the_package_into_its_tasks():
    graph = reach.task_graph()
    assert graph[("supercrystal.book.tasks", "curve")] == {"mc_curve", "polar_mc_curve"}  # by the device class
    assert "mc_curve" in graph[("supercrystal.book.claims", "polar_cooperativity_end")]
    assert {"nearest_shell_pair", "pair_clusters"} <= graph[("supercrystal.book.tasks", "metal_energy")]
    assert reach.task_names() >= {"mc_curve", "laplace_study", "metal_energy"}


def test_the_books_chapters():
    sec3 = reach.parameter_reach(ROOT / "book" / "sec3_semiconductor.md")
    assert sec3 and all(not t for t in sec3.values())  # closed formulas: seconds
    mc = reach.parameter_reach(ROOT / "book" / "sec5_monte_carlo.md")
    assert "mc_curve" in mc["T_kelvin"] and "mc_curve" in mc["spread_large"]
    lap = reach.parameter_reach(ROOT / "book" / "appB_laplace.md")
    assert "laplace_study" in lap["n_fine"] and "laplace_study" in lap["rho"]
    assert lap["n_demo"] == set()  # the demonstration grid is solved in the chapter, not cached


def test_costs_from_the_measured_times(chapter, tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "small.md").write_text(CHAPTER)
    row = {"seconds": 4.0, "tasks": {"spectral_radius": {"cached": 2, "computed": 0, "timed": 0,
                                                         "compute_seconds": 0.0}}}
    times = {"spectral_radius": 30.0, "metal_energy": 0.2, "nearest_shell_pair": 0.3, "pair_clusters": 25.8,
             "filled_lattice_solution": 0.1}
    costs = summary.parameter_costs("small", row, times, root=tmp_path)
    assert costs["lmax"]["least"] == 30.0 and costs["lmax"]["seconds"] == 60.0  # one to both of its sweeps
    assert summary.parameter_cost_text(costs["lmax"]) == "30 s to 60 s (`spectral_radius`)"
    assert summary.parameter_cost_text(costs["label"]) == "re-run, 4 s"
    del times["pair_clusters"]
    assert summary.parameter_cost_text(summary.parameter_costs("small", row, times, root=tmp_path)["rho"]
                                       ).startswith("not measured")


def test_the_rerun_page_shows_the_computed_costs():
    import nbformat

    nb = nbformat.read(ROOT / "book" / "rerun.ipynb", as_version=4)
    shown = "".join(str(o.get("data", {}).get("text/markdown", "")) for c in nb.cells if c.cell_type == "code"
                    for o in c.get("outputs", []))
    assert "| a change costs |" in shown
    row = {r["chapter"]: r for r in summary.execution_rows()}["sec5_monte_carlo"]
    expected = summary.parameter_cost_text(summary.parameter_costs("sec5_monte_carlo", row)["T_kelvin"])
    assert f"| `T_kelvin` |" in shown and expected in shown
