"""The book pipeline: chapters' parameters cells, parameter files checked against the declaration."""
import pytest

from supercrystal.book import runner as pipeline


def test_parameters_are_read_from_every_chapter_with_ranges():
    params = {(p.chapter, p.name): p for p in pipeline.parameters()}
    a = params[("sec3_semiconductor", "a_nm")]
    assert a.type == "float" and a.low == 0 and not a.closed_low and a.closed_high


def test_good_parameter_file_is_split_per_chapter():
    per = pipeline.check_parameter_file({"material": "PbSe", "a_nm": 3, "b_nm": 3.5})
    assert per["sec3_semiconductor"] == {"material": "PbSe", "a_nm": 3.0, "b_nm": 3.5}


@pytest.mark.parametrize("values, key", [
    ({"radius": 2.0}, "radius"),
    ({"a_nm": "two"}, "a_nm"),
    ({"a_nm": 0.0}, "a_nm"),
    ({"material": "Gold"}, "material"),
])
def test_bad_parameter_file_is_refused_naming_the_key(values, key):
    with pytest.raises(ValueError, match=key):
        pipeline.check_parameter_file(values)


def test_clean_copy_strips_papermill_leftovers(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    stale = nbformat.v4.new_code_cell("a_nm = 9.0")
    stale.metadata["tags"] = ["injected-parameters"]
    keep = nbformat.v4.new_code_cell("x = 1")
    keep.outputs = [nbformat.v4.new_output("stream", text="old")]
    nb.cells = [stale, keep]
    src, dst = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    nbformat.write(nb, src)
    pipeline.clean_copy(src, dst)
    out = nbformat.read(dst, as_version=4)
    assert [c.source for c in out.cells] == ["x = 1"] and out.cells[0].outputs == []


def test_every_parameters_cell_line_is_understood_by_papermill():
    """Each line of a chapter's parameters cell is a parameter papermill can inspect (an '=' in the
    comment, for one, makes papermill drop the line, and the parameter vanishes from rerun files)."""
    import nbformat
    import papermill

    from supercrystal.book.runner import chapters

    for nb in chapters():
        cells = [c for c in nbformat.read(nb, as_version=4).cells if "parameters" in c.metadata.get("tags", [])]
        if not cells:
            continue
        lines = [ln for ln in cells[0].source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        inspected = papermill.inspect_notebook(str(nb))
        assert len(inspected) == len(lines), f"{nb.name}: papermill reads {sorted(inspected)} from {lines}"
