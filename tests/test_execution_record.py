"""The execution record: each chapter's slow results, read from the cache or computed, and their measured
compute times (for the execution-status and rerun pages)."""
import json
import shutil
from pathlib import Path

import pytest

from supercrystal.book import cache, runner, summary, tasks
from supercrystal.paths import data_dir

CHEAP = ("sc", 0.3, 11)  # the nearest shell of the simple cubic lattice at rho = 0.3: a fraction of a second


@pytest.fixture
def user_cache(tmp_path, monkeypatch):
    data = tmp_path / "data"
    (data / "cache").mkdir(parents=True)
    shutil.copy(data_dir() / "materials.csv", data / "materials.csv")
    monkeypatch.setenv("SUPERCRYSTAL_DATA_DIR", str(data))
    monkeypatch.setenv("SUPERCRYSTAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SUPERCRYSTAL_REFRESH_CACHE", raising=False)
    for t in cache.registry().values():
        monkeypatch.setattr(t, "_memo", {})
    return tmp_path


def _calls(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def test_every_task_call_is_recorded_with_its_compute_time(user_cache, monkeypatch):
    log = user_cache / "calls.jsonl"
    monkeypatch.setenv(cache.RECORD_ENV, str(log))
    _, computed = tasks.nearest_shell_pair.run(*CHEAP)
    tasks.nearest_shell_pair.run(*CHEAP)            # from memory: the same result again
    tasks.nearest_shell_pair._memo.clear()
    _, read = tasks.nearest_shell_pair.run(*CHEAP)  # from the file, which records the compute time
    lines = _calls(log)
    assert [x["cached"] for x in lines] == [False, False, True]
    assert computed.compute_seconds > 0 and read.compute_seconds == pytest.approx(computed.compute_seconds, abs=1e-3)
    summary_ = runner._summarise_calls(lines)
    assert (summary_["cached"], summary_["computed"]) == (0, 1)  # one distinct result, computed on this run
    t = summary_["tasks"]["nearest_shell_pair"]
    assert t["timed"] == 1 and t["compute_seconds"] == pytest.approx(round(computed.compute_seconds, 1), abs=0.11)


def test_nothing_is_recorded_without_the_variable(user_cache, monkeypatch):
    monkeypatch.delenv(cache.RECORD_ENV, raising=False)
    tasks.nearest_shell_pair.run(*CHEAP)
    assert not list(user_cache.glob("*.jsonl"))


def test_a_record_changes_only_with_where_the_results_came_from():
    def rec(cached, computed, seconds):
        return {"finished": "2026-01-01T00:00:00+00:00", "seconds": seconds, "slow_results": {
            "cached": cached, "computed": computed,
            "tasks": {"mc_curve": {"cached": cached, "computed": computed, "compute_seconds": 1.0, "timed": 1}}}}

    assert runner._same_record(rec(3, 0, 5.0), rec(3, 0, 9.0))  # another run time: the notebook stays
    assert not runner._same_record(rec(3, 0, 5.0), rec(2, 1, 5.0))
    assert not runner._same_record(None, rec(3, 0, 5.0))  # no record yet: written


def test_measured_times_are_merged_and_give_the_chapter_cost(user_cache, monkeypatch):
    tasks.nearest_shell_pair.run(*CHEAP)
    out = user_cache / "times.json"
    out.write_text(json.dumps({"tasks": {"mc_curve": {"median_seconds": 60.0, "results": 2}}}))
    data = cache.update_times(out)
    assert set(data["tasks"]) == {"mc_curve", "nearest_shell_pair"}  # the old entry kept, the new one added
    monkeypatch.setattr(summary, "recorded_compute_seconds", lambda: {"mc_curve": 60.0})
    row = {"chapter": "x", "seconds": 7.0, "cached": 3, "computed": 0,
           "tasks": {"mc_curve": {"cached": 3, "computed": 0, "compute_seconds": 0.0, "timed": 0}}}
    cost = summary.chapter_costs([row])["x"]
    assert cost == {"rerun": 7.0, "results": 3, "recompute": 180.0, "per_result": {"mc_curve": 60.0}}
    text = summary.cost_text(cost)
    assert "takes 7 s" in text and "`mc_curve` 60 s" in text and "from scratch about 3 min" in text
    unknown = dict(row, tasks={"pair_clusters": {"cached": 1, "computed": 0, "compute_seconds": 0.0, "timed": 0}})
    assert summary.chapter_costs([unknown])["x"]["recompute"] is None


def test_durations_read_as_a_physicist_writes_them():
    assert [summary._seconds_text(s) for s in (0.2, 4.3, 38.4, 150.0, 7200.0)] == \
        ["< 1 s", "4.3 s", "38 s", "2.5 min", "2 h"]


def test_the_status_page_runs_after_every_chapter_whose_record_it_shows(tmp_path):
    (tmp_path / "durations.json").write_text(json.dumps({"status": 99.0, "claims": 1.0, "sec4_metal": 5.0}))
    names = ["status", "intro", "sec4_metal", "claims", "rerun", "sec1_introduction"]
    order = [t.name for t in runner._schedule([runner.Task(n, tmp_path / f"{n}.md", tmp_path / f"{n}.ipynb")
                                               for n in names], tmp_path)]
    assert order == ["sec4_metal", "sec1_introduction", "claims", "intro", "rerun", "status"]
