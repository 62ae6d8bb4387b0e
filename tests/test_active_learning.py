"""Model-deviation bookkeeping and DP-GEN resume guard."""

import json

import numpy as np
import pytest

from seiflow.model.active_learning import check_resumable, classify_model_deviation


def test_classify_model_deviation_counts():
    f = np.array([0.01, 0.1, 0.15, 0.2, 0.49, 0.5, 3.0])
    c = classify_model_deviation(f, 0.15, 0.5)
    assert c == {"n_frames": 7, "n_accurate": 2, "n_candidate": 3, "n_failed": 2}
    with pytest.raises(ValueError):
        classify_model_deviation(f, 0.5, 0.15)


def test_resume_guard_refuses_changed_param(tmp_path):
    (tmp_path / "param.json").write_text(json.dumps({"numb_models": 4}))
    (tmp_path / "machine.json").write_text("{}")
    check_resumable(tmp_path)  # first start records the inputs
    check_resumable(tmp_path)  # unchanged: resumes
    (tmp_path / "param.json").write_text(json.dumps({"numb_models": 2}))
    with pytest.raises(RuntimeError, match="differs"):
        check_resumable(tmp_path)
    assert (tmp_path / "param.started.json").exists()  # nothing deleted


def test_fp_data_dirs_finds_every_multisystem_folder(tmp_path):
    from seiflow.model.active_learning import deepmd_system_dirs, fp_data_dirs

    for sub in ["02.fp/data.000/Li16", "02.fp/data.001/Cl4Li24P4S20", "01.model_devi/x"]:
        (tmp_path / sub).mkdir(parents=True)
        (tmp_path / sub / "type.raw").write_text("0\n")
    assert [d.split("/")[-1] for d in fp_data_dirs(tmp_path)] == ["Li16", "Cl4Li24P4S20"]
    assert len(deepmd_system_dirs(tmp_path)) == 3


def test_unseeded_default_rng_is_seeded_from_global_state():
    """DP-GEN's ``np.random.default_rng()`` (no seed) repeats once numpy.random is seeded."""
    import numpy as np

    from seiflow.model.active_learning import _seeded_default_rng

    draws = []
    for _ in range(2):
        np.random.seed(123)
        draws.append([_seeded_default_rng().integers(1 << 30) for _ in range(3)])
    assert draws[0] == draws[1] and len(set(draws[0])) == 3
    assert _seeded_default_rng(7).integers(1 << 30) == np.random.default_rng(7).integers(1 << 30)
