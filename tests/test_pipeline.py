"""The book pipeline: chapters' parameters cells, parameter files checked against the declaration."""
import pytest

from supercrystal.book import paramfiles, runner

TOY_CHAPTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A toy chapter

```{code-cell} ipython3
:tags: [parameters]

a_nm: float = 2.0  # NC core radius a, nm (0, 50]
```

```{code-cell} ipython3
:tags: [remove-cell]

print(a_nm)
```
"""


def test_parameters_are_read_from_every_chapter_with_ranges():
    params = {(p.chapter, p.name): p for p in paramfiles.parameters()}
    a = params[("sec3_semiconductor", "a_nm")]
    assert a.type == "float" and a.low == 0 and not a.closed_low and a.closed_high


def test_good_parameter_file_is_split_per_chapter():
    per = paramfiles.check_parameter_file({"material": "PbSe", "a_nm": 3, "b_nm": 3.5})
    assert per["sec3_semiconductor"] == {"material": "PbSe", "a_nm": 3.0, "b_nm": 3.5}


@pytest.mark.parametrize("values, key", [
    ({"radius": 2.0}, "radius"),
    ({"a_nm": "two"}, "a_nm"),
    ({"a_nm": 0.0}, "a_nm"),
    ({"material": "Gold"}, "material"),
])
def test_bad_parameter_file_is_refused_naming_the_key(values, key):
    with pytest.raises(ValueError, match=key):
        paramfiles.check_parameter_file(values)


def test_executed_notebook_is_derived_from_the_clean_source(tmp_path):
    """The runner executes the notebook jupytext derives from a chapter's ``.md`` (no outputs), and
    papermill injects the parameters right after the source's ``parameters`` cell."""
    import nbformat

    from supercrystal.book import sources

    src = tmp_path / "toy.md"
    src.write_text(TOY_CHAPTER)
    assert all(not c.get("outputs") for c in sources.notebook(src).cells)
    dst = tmp_path / "out" / "toy.ipynb"
    runner.execute_one(src, dst, {"a_nm": 3.0})
    out = nbformat.read(dst, as_version=4)
    tags = [c.metadata.get("tags", []) for c in out.cells]
    assert tags == [[], ["parameters"], ["injected-parameters"], ["remove-cell"]]
    assert out.cells[-1].outputs[0]["text"] == "3.0\n"


def test_every_parameters_cell_line_is_understood_by_papermill():
    """Each line of a chapter's parameters cell is a parameter papermill can inspect (an '=' in the
    comment, for one, makes papermill drop the line, and the parameter vanishes from rerun files)."""
    from supercrystal.book import sources
    from supercrystal.book.sources import chapters

    for src in chapters():
        cells = [c for c in sources.notebook(src).cells if "parameters" in c.metadata.get("tags", [])]
        if not cells:
            continue
        lines = [ln for ln in cells[0].source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        inspected = sources.inspect_parameters(src)
        assert len(inspected) == len(lines), f"{src.name}: papermill reads {sorted(inspected)} from {lines}"


def test_kernels_run_with_one_blas_thread_without_the_makefile(tmp_path):
    """The chapters do not set OPENBLAS_NUM_THREADS themselves: the runner's workers give it to their
    kernels (runner.KERNEL_ENV), also when the runner is started without the Makefile's environment."""
    import os
    import subprocess
    import sys

    import nbformat

    from supercrystal.paths import ROOT

    src = tmp_path / "blas.md"
    src.write_text(TOY_CHAPTER.replace("print(a_nm)", "import os\nprint(os.environ.get('OPENBLAS_NUM_THREADS'))"))
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    res = subprocess.run([sys.executable, "-m", "supercrystal.book.runner", str(src), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    assert res.returncode == 0, res
    out = nbformat.read(tmp_path / "out" / "blas.ipynb", as_version=4)
    assert out.cells[-1].outputs[0]["text"] == runner.KERNEL_ENV["OPENBLAS_NUM_THREADS"] + "\n"


def test_whole_book_runs_the_longest_chapters_first_and_the_claims_last(tmp_path):
    """The runner's schedule for a cold build: by the last run's time (logs/durations.json), unknown chapters
    in their own order after the known long ones, and the claims registry (which reads every other chapter's
    results) last."""
    import json

    (tmp_path / "durations.json").write_text(json.dumps({"sec4_metal": 680.0, "appB_laplace": 815.0,
                                                         "claims": 900.0}))
    tasks = [runner.Task(n, tmp_path / f"{n}.md", tmp_path / f"{n}.ipynb")
             for n in ("sec1_introduction", "claims", "sec4_metal", "appB_laplace", "sec2_charging")]
    order = [t.name for t in runner._schedule(tasks, tmp_path)]
    assert order == ["appB_laplace", "sec4_metal", "sec1_introduction", "sec2_charging", "claims"]
