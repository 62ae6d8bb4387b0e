"""Hand-built trajectories for seiflow.analysis.flux (atoms moved across membranes by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ase import Atoms

from seiflow.analysis.flux import FLUX_COLUMNS, FLUX_WINDOW_COLUMNS, MembraneFluxAccumulator, flux_per_window

H = 40.0  # Å


def frame(z, symbols=None, h=H, z0=0.0, area=(10.0, 10.0), ids=None):
    """Atoms at (x, y) = (1, 1) and the given z values in a (area x h) box starting at z0."""
    z = np.asarray(z, float)
    symbols = symbols or ["Li"] * len(z)
    pos = np.column_stack([np.full(z.size, 1.0), np.full(z.size, 1.0), z])
    atoms = Atoms(symbols, positions=pos, cell=np.diag([area[0], area[1], h]), pbc=True)
    atoms.set_celldisp((0.0, 0.0, z0))
    if ids is not None:
        atoms.arrays["id"] = np.asarray(ids)
    return atoms


# Paths of z (Å) per frame; membrane 0 at u = 0.5 (z in [18.5, 21.5]), membrane 1 at u = 0
# (z in [38.5, 40) U [0, 1.5]).
PATHS = {
    "A_L_to_R": [15.0, 19.0, 25.0, 26.0],       # through m0, L -> R
    "B_R_to_L": [25.0, 20.0, 15.0, 14.0],       # through m0, R -> L
    "C_back": [15.0, 20.0, 16.0, 17.0],         # enters m0 and returns: no crossing
    "D_wrap": [37.0, 39.5, 2.5, 3.0],           # through m1 across the periodic z boundary (wrapped)
    "E_jump": [17.0, 23.0, 23.5, 24.0],         # through m0 within one dump interval
    "F_start_in": [20.0, 25.0, 24.0, 15.0],     # starts inside m0: first exit sets side, then R -> L
    "G_raw_outside": [3.0, 0.5, -2.5, -3.0],    # raw z below the box, through m1 R -> L
    "S_not_li": [15.0, 19.0, 25.0, 26.0],       # an S atom: ignored
}


def trajectory():
    names = list(PATHS)
    syms = ["S" if n.startswith("S_") else "Li" for n in names]
    return [frame([PATHS[n][t] for n in names], syms) for t in range(4)]


def test_hand_moved_atoms_two_membranes():
    acc = MembraneFluxAccumulator([0.5, 0.0], width_A=3.0, species="Li")
    for t, atoms in enumerate(trajectory()):
        acc.update(atoms, time_ps=0.5 * t)
    df = acc.result()
    assert list(df.columns) == FLUX_COLUMNS
    assert len(df) == 8
    last = df[df.time_ps == 1.5].set_index("membrane")
    # m0: A and E L -> R; B and F R -> L; C none; D/G (far away, cross m0's antipode) none
    assert (last.loc[0, "n_L_to_R"], last.loc[0, "n_R_to_L"]) == (2, 2)
    # m1: D L -> R through the periodic boundary; G R -> L
    assert (last.loc[1, "n_L_to_R"], last.loc[1, "n_R_to_L"]) == (1, 1)
    m0 = df[df.membrane == 0]
    assert m0["n_L_to_R"].tolist() == [0, 1, 2, 2]  # E in frame 1, A in frame 2
    assert m0["n_R_to_L"].tolist() == [0, 0, 1, 2]  # B in frame 2, F in frame 3
    assert df["area_nm2"].iloc[0] == pytest.approx(1.0)
    assert df["membrane_frac"].tolist()[:2] == [0.5, 0.0]


def test_single_atom_cases():
    def count(path, memb=0.5, width=3.0):
        acc = MembraneFluxAccumulator([memb], width_A=width)
        for t, z in enumerate(path):
            acc.update(frame([z]), t)
        r = acc.result().iloc[-1]
        return int(r.n_L_to_R), int(r.n_R_to_L)

    assert count([15, 19, 25]) == (1, 0)
    assert count([15, 20, 16]) == (0, 0)
    assert count([15, 20, 21, 19.5, 25]) == (1, 0)  # lingering inside then out right
    assert count([15, 25, 15, 25]) == (2, 1)  # back and forth
    assert count([5, 10, 15]) == (0, 0)  # never reaches the membrane
    # width matters: 18 -> 22 crosses a 3 Å membrane but only enters a 6 Å one
    assert count([17.0, 22.0]) == (1, 0)
    assert count([17.0, 22.0], width=6.0) == (0, 0)
    # walking once round the periodic cell in +z crosses the membrane once L -> R
    assert count([5.0, 15.0, 25.0, 35.0, 5.0, 15.0]) == (1, 0)
    assert count([15.0, 5.0, 35.0, 25.0, 15.0]) == (0, 1)


def test_npt_box_scaling_and_origin_shift():
    # membrane at u = 0.5, 3 Å; atom at z = 17 in h = 40 (left, 1.5 Å from the membrane)
    acc = MembraneFluxAccumulator([0.5], width_A=3.0)
    acc.update(frame([17.0]), 0.0)
    # box expands to h = 44 about its centre (zlo -2): affine atom z = -2 + 17/40*44 = 16.7;
    # membrane now at -2 + 22 = 20 (in [18.5, 21.5]); still left -> nothing
    acc.update(frame([16.7], h=44.0, z0=-2.0), 1.0)
    assert acc.result()["n_L_to_R"].iloc[-1] == 0
    # z = 20.8 in the expanded box: inside the membrane; in the old absolute frame it
    # would already be past it
    acc.update(frame([20.8], h=44.0, z0=-2.0), 2.0)
    assert acc.result()["n_L_to_R"].iloc[-1] == 0
    acc.update(frame([21.6], h=44.0, z0=-2.0), 3.0)  # beyond 20 + 1.5
    df = acc.result()
    assert df["n_L_to_R"].tolist() == [0, 0, 0, 1]
    np.testing.assert_allclose(df["cell_height_A"], [40, 44, 44, 44])
    # affine shrink back does not count anything either (atom stays right)
    acc.update(frame([-2.0 + (21.6 + 2.0) / 44 * 40], h=40.0, z0=0.0), 4.0)
    assert acc.result()["n_L_to_R"].iloc[-1] == 1 and acc.result()["n_R_to_L"].iloc[-1] == 0


def test_atom_ids_reordered():
    z0 = [15.0, 25.0, 30.0]  # ids 7, 3, 9
    z1 = [16.0, 15.0, 31.0]  # ids 7, 3, 9: only id 3 crosses (R -> L)
    acc = MembraneFluxAccumulator([0.5])
    acc.update(frame(z0, ids=[7, 3, 9]), 0.0)
    # next frame listed in another order: ids 9, 7, 3
    acc.update(frame([z1[2], z1[0], z1[1]], ids=[9, 7, 3]), 1.0)
    r = acc.result().iloc[-1]
    assert (r.n_L_to_R, r.n_R_to_L) == (0, 1)
    # matched by order instead, the reordered frame reads 15->31, 25->16, 30->15
    acc2 = MembraneFluxAccumulator([0.5])
    acc2.update(frame(z0), 0.0)
    acc2.update(frame([z1[2], z1[0], z1[1]]), 1.0)
    r2 = acc2.result().iloc[-1]
    assert (r2.n_L_to_R, r2.n_R_to_L) == (1, 2)


def test_accumulator_errors():
    with pytest.raises(ValueError, match="non-empty"):
        MembraneFluxAccumulator([])
    with pytest.raises(ValueError, match="width_A"):
        MembraneFluxAccumulator([0.5], width_A=0.0)
    with pytest.raises(ValueError, match="unknown chemical symbol"):
        MembraneFluxAccumulator([0.5], species="Qq")
    acc = MembraneFluxAccumulator([0.5])
    with pytest.raises(ValueError, match="no frame"):
        acc.result()
    acc.update(frame([10.0, 12.0]), 0.0)
    with pytest.raises(ValueError, match="increase"):
        acc.update(frame([10.0, 12.0]), 0.0)
    with pytest.raises(ValueError, match="changed"):
        acc.update(frame([10.0, 12.0, 13.0]), 1.0)
    with pytest.raises(ValueError, match="no Li"):
        MembraneFluxAccumulator([0.5]).update(frame([10.0], ["S"]), 0.0)
    with pytest.raises(ValueError, match="h/2"):
        MembraneFluxAccumulator([0.5], width_A=25.0).update(frame([10.0]), 0.0)
    tilted = frame([10.0])
    tilted.set_cell([[10, 0, 0], [0, 10, 0], [2, 0, 40]])
    with pytest.raises(ValueError, match="along z"):
        MembraneFluxAccumulator([0.5]).update(tilted, 0.0)


# ----------------------------------------------------------------------------- windows
def synthetic_counts(area=2.0):
    t = np.arange(0.0, 10.5, 0.5)  # ps
    rows = []
    for m, rate_lr, rate_rl in [(0, 2.0, 1.0), (1, 0.0, 0.4)]:  # crossings per ps
        for tt in t:
            rows.append((tt, m, 0.1 * m, int(np.floor(rate_lr * tt)), int(np.floor(rate_rl * tt)),
                         area, 40.0))
    return pd.DataFrame(rows, columns=FLUX_COLUMNS)


def test_flux_per_window_units_and_sharing():
    df = synthetic_counts(area=2.0)
    out = flux_per_window(df, window_ps=5.0)
    assert list(out.columns) == FLUX_WINDOW_COLUMNS
    assert len(out) == 4  # 2 windows x 2 membranes
    m0 = out[out.membrane == 0]
    np.testing.assert_allclose(m0["t_start_ps"], [0.0, 5.0])
    np.testing.assert_allclose(m0["t_end_ps"], [5.0, 10.0])
    assert m0["n_L_to_R"].tolist() == [10, 10] and m0["n_R_to_L"].tolist() == [5, 5]
    # 10 atoms / (2 nm^2 * 0.005 ns) = 1000 atoms/nm^2/ns
    np.testing.assert_allclose(m0["flux_L_to_R"], 1000.0)
    np.testing.assert_allclose(m0["flux_R_to_L"], 500.0)
    np.testing.assert_allclose(m0["flux_net"], 500.0)
    np.testing.assert_allclose(m0["flux_total"], 1500.0)
    m1 = out[out.membrane == 1]
    np.testing.assert_allclose(m1["flux_R_to_L"], 200.0)  # 2 per 5 ps
    # windows partition the run: summed window counts equal the final cumulative counts
    assert m0["n_L_to_R"].sum() == df[df.membrane == 0]["n_L_to_R"].iloc[-1]
    # explicit area overrides the column
    out4 = flux_per_window(df, 5.0, area_nm2=4.0)
    np.testing.assert_allclose(out4[out4.membrane == 0]["flux_L_to_R"], 500.0)
    # 3 ps windows: 3 complete windows in 10 ps, last 1 ps dropped
    assert (flux_per_window(df, 3.0).membrane == 0).sum() == 3
    assert flux_per_window(df, 20.0).empty


def test_flux_per_window_from_accumulator():
    acc = MembraneFluxAccumulator([0.5])
    z_path = [15.0, 25.0, 15.0, 25.0, 26.0]
    for t, z in enumerate(z_path):
        acc.update(frame([z], area=(10.0, 20.0)), 100.0 * t)  # one frame per 100 ps
    out = flux_per_window(acc.result(), window_ps=200.0)
    # window 0-200 ps: L->R at 100, R->L at 200; window 200-400: L->R at 300
    assert out["n_L_to_R"].tolist() == [1, 1] and out["n_R_to_L"].tolist() == [1, 0]
    np.testing.assert_allclose(out["flux_L_to_R"], 1 / (2.0 * 0.2))  # 2 nm^2, 0.2 ns


def test_flux_per_window_errors():
    df = synthetic_counts()
    with pytest.raises(ValueError, match="window_ps"):
        flux_per_window(df, 0.0)
    with pytest.raises(ValueError, match="area_nm2"):
        flux_per_window(df, 1.0, area_nm2=-1.0)
    with pytest.raises(ValueError, match="lacks columns"):
        flux_per_window(df.drop(columns="n_R_to_L"), 1.0)
    with pytest.raises(ValueError, match="area_nm2"):
        flux_per_window(df.drop(columns="area_nm2"), 1.0)
