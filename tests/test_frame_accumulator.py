"""The streaming-analysis base class (seiflow.analysis.base.FrameAccumulator): life cycle,
frame counter, run() streaming, and the four accumulators built on it."""

import numpy as np
import pytest
from ase import Atoms

from seiflow.analysis.base import FrameAccumulator
from seiflow.analysis.coordination import PartialRDFAccumulator
from seiflow.analysis.flux import MembraneFluxAccumulator
from seiflow.analysis.profiles import ZProfileAccumulator
from seiflow.analysis.sei_structure import StructureAnalysis, StructureSettings


class MeanZ(FrameAccumulator):
    """Mean z (Å) of all atoms over frames, weighted per frame by an optional factor."""

    def __init__(self, offset_A=0.0):
        self.offset_A = float(offset_A)
        self.prepared = 0
        super().__init__()

    def _prepare(self):
        self.prepared += 1
        self._sum = 0.0
        self._weight = 0.0

    def _single_frame(self, atoms, weight=1.0):
        if weight <= 0:
            raise ValueError("weight must be > 0")
        self._sum += weight * float(atoms.positions[:, 2].mean())
        self._weight += weight

    def _conclude(self):
        return self._sum / self._weight + self.offset_A


def _frame(z):
    return Atoms("Li2", positions=[[0, 0, z - 1.0], [0, 0, z + 1.0]], cell=[10, 10, 40],
                 pbc=True)


def test_life_cycle_and_frame_counter_on_an_analytic_mean():
    acc = MeanZ(offset_A=0.5)
    assert acc.prepared == 1 and acc.n_frames == 0  # _prepare ran once, at construction
    with pytest.raises(ValueError, match="no frame added"):
        acc.result()
    for z in (2.0, 4.0, 9.0):
        acc.update(_frame(z))
    assert acc.n_frames == 3
    assert acc.result() == pytest.approx(5.0 + 0.5)  # mean of 2, 4, 9 plus the offset
    # a refused frame is not counted; the accumulator keeps going afterwards
    with pytest.raises(ValueError, match="weight"):
        acc.update(_frame(100.0), weight=0.0)
    assert acc.n_frames == 3
    acc.update(_frame(3.0), weight=3.0)  # keyword arguments reach _single_frame
    assert acc.n_frames == 4 and acc.result() == pytest.approx((15.0 + 9.0) / 6.0 + 0.5)
    assert acc.prepared == 1


def test_run_streams_atoms_and_argument_tuples_without_materialising():
    acc = MeanZ()
    seen = []

    def frames():
        for k in range(5):
            seen.append(acc.n_frames)  # every earlier item was consumed before this one
            yield _frame(float(k)) if k % 2 == 0 else (_frame(float(k)), 1.0)

    assert acc.run(frames()) is acc
    assert seen == [0, 1, 2, 3, 4] and acc.n_frames == 5
    assert acc.result() == pytest.approx(2.0)


def test_base_class_is_abstract():
    with pytest.raises(TypeError):
        FrameAccumulator()

    class NoConclude(FrameAccumulator):
        def _single_frame(self, frame):
            pass

    with pytest.raises(TypeError):
        NoConclude()


def test_the_four_streaming_accumulators_are_frame_accumulators():
    accs = [
        ZProfileAccumulator(1.0, ["Li"]),
        PartialRDFAccumulator([("Li", "Li")], 4.0, 8),
        MembraneFluxAccumulator([0.5]),
        StructureAnalysis(StructureSettings(), t_end_ps=1.0),
    ]
    for acc in accs:
        assert isinstance(acc, FrameAccumulator)
        assert acc.n_frames == 0
        with pytest.raises(ValueError, match="no frame"):
            acc.result()


def test_run_matches_update_for_the_z_profile_and_the_flux():
    rng = np.random.default_rng(3)
    frames = []
    for _ in range(4):
        n = 30
        a = Atoms(["Li"] * n, positions=rng.uniform(0, 1, (n, 3)) * [12, 12, 30],
                  cell=[12, 12, 30], pbc=True)
        frames.append(a)
    by_update = ZProfileAccumulator(1.5, ["Li"])
    for a in frames:
        by_update.update(a)
    by_run = ZProfileAccumulator(1.5, ["Li"]).run(iter(frames))
    assert by_run.n_frames == 4
    assert by_run.result().equals(by_update.result())

    flux = MembraneFluxAccumulator([0.25, 0.75]).run((a, 10.0 * k) for k, a in enumerate(frames))
    assert flux.n_frames == 4 and len(flux.result()) == 8
