"""workflow/figure_index.yaml is the one map from a published figure to its code: every entry
names a rule file that defines its rule and a seiflow function that imports."""

import re

import pytest

from seiflow.config.figure_index import (ENTRY_KEYS, check_entry_code, index_entries,
                                         index_rows, load_index, render_markdown)


@pytest.fixture(scope="module")
def index(root):
    return load_index(root / "workflow" / "figure_index.yaml")


def test_duplicate_keys_are_refused_with_their_line(tmp_path):
    bad = tmp_path / "index.yaml"
    bad.write_text("models:\n  a:\n    config: [x]\n    config: [y]\n")
    with pytest.raises(ValueError, match=r"duplicate key 'config' at line 4"):
        load_index(bad)


def test_markdown_renders_every_entry_of_every_study(index):
    """What rule figure_index renders for a full run: every study and every model entry."""
    studies = list(index["studies"])
    rows = index_rows(index, studies, studies)
    assert all(set(ENTRY_KEYS) <= set(r) for r in rows)
    assert render_markdown(rows, "demo").count("\n|") == len(rows) + 2


def test_every_entry_names_an_existing_rule_file_and_an_importable_function(root, index):
    problems = {f"{study}/{fig_id}": p for study, fig_id, e in index_entries(index)
                if (p := check_entry_code(e, root))}
    assert not problems, problems
    n = sum(1 for _ in index_entries(index))
    assert n >= 60


def test_study_figure_rules_live_in_their_study_file(index):
    """A study's figure/table rules are in workflow/rules/studies/<study>.smk (the snapshot
    rule, shared by symmetric_cell and two_step, in studies/two_step.smk; al_table is the
    data set that collect_dataset writes, in stages/active_learning.smk; teacher_validation
    gates production MD, in stages/validation.smk)."""
    for study, fig_id, e in index_entries(index):
        if (study, fig_id) == ("models", "al_table"):
            assert e["rule_file"] == "workflow/rules/stages/active_learning.smk"
        elif (study, fig_id) == ("models", "teacher_validation"):
            assert e["rule_file"] == "workflow/rules/stages/validation.smk"
        elif e["rule"] == "fig_snapshot":
            assert e["rule_file"] == "workflow/rules/studies/two_step.smk"
        elif study == "bulk":
            assert e["rule_file"] == "workflow/rules/studies/shared.smk"
        else:
            assert e["rule_file"] == f"workflow/rules/studies/{study}.smk", (study, fig_id)


def test_check_entry_code_names_what_is_missing(root, index):
    entry = dict(index["studies"]["two_step"]["fig2"])
    assert check_entry_code(entry, root) == []
    assert check_entry_code({**entry, "rule_file": "workflow/rules/nope.smk"}, root) == [
        "rule file workflow/rules/nope.smk does not exist"]
    assert check_entry_code({**entry, "rule": "no_such_rule"}, root) == [
        f"{entry['rule_file']} does not define rule no_such_rule"]
    bad = check_entry_code({**entry, "function": "seiflow.analysis.growth.no_such_fit"}, root)
    assert len(bad) == 1 and bad[0].startswith(
        "function seiflow.analysis.growth.no_such_fit does not import")
    bad = check_entry_code({**entry, "function": "seiflow.no_such_module.f"}, root)
    assert len(bad) == 1 and "does not import" in bad[0]
    bad = check_entry_code({k: v for k, v in entry.items() if k != "function"}, root)
    assert bad == ["no function"]


def test_snapshot_and_series_specs_sit_in_their_entries(index):
    """fig_snapshot and fig_structure_series read their settings from the index: every entry
    of those rules has one, no other entry has one."""
    for study, fig_id, e in index_entries(index):
        assert ("snapshot" in e) == (e["rule"] == "fig_snapshot"), (study, fig_id)
        assert ("series" in e) == (e["rule"] == "fig_structure_series"), (study, fig_id)
        if "snapshot" in e:
            assert set(e["snapshot"]) == {"frame", "scheme", "title"}
            assert e["snapshot"]["frame"] in (0, -1)
        if "series" in e:
            assert set(e["series"]) == {"source", "title", "quantities"}
            for label, factor in e["series"]["quantities"].values():
                assert isinstance(label, str) and isinstance(factor, float)


def test_rule_wildcards_cover_the_index_specs(root, index):
    """The wildcard constraints of fig_snapshot / fig_structure_series list exactly the ids
    that have a spec in the index."""
    two_step = (root / "workflow" / "rules" / "studies" / "two_step.smk").read_text()
    snaps = {fig_id for _, fig_id, e in index_entries(index) if "snapshot" in e}
    assert set(re.search(r'snap="([^"]+)"', two_step).group(1).split("|")) == snaps
    terms = (root / "workflow" / "rules" / "studies" / "terminations.smk").read_text()
    series = {fig_id for _, fig_id, e in index_entries(index) if "series" in e}
    assert set(re.search(r'series="([^"]+)"', terms).group(1).split("|")) == series


def test_markdown_shows_rule_file_and_function(index):
    rows = index_rows(index, ["two_step"], [])
    md = render_markdown(rows, "test")
    assert ("| two_step | fig2 |" in md and "`workflow/rules/studies/two_step.smk`" in md
            and "`seiflow.analysis.growth.alpha_fits`" in md)
    assert md.count("\n|") == len(rows) + 2
