"""Tests of seiflow.plot.snapshots: headless OVITO/Tachyon rendering of labelled cells."""

import matplotlib.image as mpimg
import numpy as np
import pytest
from ase.build import bulk

from seiflow.plot.snapshots import label_colors, render_snapshot

PALETTE = {"low": (0.1, 0.2, 0.95), "high": (0.1, 0.85, 0.15)}  # blue, green


def tall_cell():
    """bcc Li, 2 x 2 x 6 cubic cells (tall along z), origin away from 0."""
    at = bulk("Li", "bcc", a=3.44, cubic=True) * (2, 2, 6)
    at.positions += [5.0, -3.0, 10.0]
    at.set_celldisp([5.0, -3.0, 10.0])
    return at


def colour_masks(img):
    rgb = img[..., :3].astype(float)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    blue = (b > 0.3) & (b > 1.8 * r) & (b > 1.8 * g)
    green = (g > 0.3) & (g > 1.8 * r) & (g > 1.8 * b)
    return blue, green


def test_side_view_colours_and_orientation(tmp_path):
    at = tall_cell()
    z = at.positions[:, 2] - at.get_celldisp()[2]
    labels = np.where(z > at.cell[2, 2] / 2, "high", "low")
    out = render_snapshot(at, labels, PALETTE, tmp_path / "sub" / "side.png", view="side",
                          size=(240, 320), legend=False)
    assert out.is_file()
    img = mpimg.imread(out)
    assert img.shape[:2] == (320, 240)
    assert img[..., :3].std() > 0.05  # not blank
    blue, green = colour_masks(img)
    assert blue.sum() > 200 and green.sum() > 200  # both label colours drawn
    # z is vertical: high-z atoms (green) in the upper part of the image
    rows = np.arange(img.shape[0])[:, None]
    assert (rows * green).sum() / green.sum() < (rows * blue).sum() / blue.sum()
    # side view of a tall cell: coloured region taller than wide
    ys, xs = np.nonzero(blue | green)
    assert np.ptp(ys) > 1.5 * np.ptp(xs)
    # y to the right in the side view
    y = at.positions[:, 1] - at.get_celldisp()[1]
    by_y = np.where(y > at.cell[1, 1] / 2 - 0.1, "high", "low")
    img = mpimg.imread(render_snapshot(at, by_y, PALETTE, tmp_path / "side_y.png", size=(240, 320),
                                       legend=False))
    blue, green = colour_masks(img)
    cols = np.arange(img.shape[1])[None, :]
    assert (cols * green).sum() / green.sum() > (cols * blue).sum() / blue.sum()


def test_top_view_y_vertical_and_legend(tmp_path):
    at = tall_cell()
    y = at.positions[:, 1] - at.get_celldisp()[1]
    labels = np.where(y > at.cell[1, 1] / 2 - 0.1, "high", "low")
    out = render_snapshot(at, labels, PALETTE, tmp_path / "top.png", view="top", size=(300, 300),
                          legend=False)
    img = mpimg.imread(out)
    blue, green = colour_masks(img)
    rows = np.arange(img.shape[0])[:, None]
    assert (rows * green).sum() / green.sum() < (rows * blue).sum() / blue.sum()
    # legend adds the label colours in a box at the right edge even where no atom is drawn
    only_low = np.full(len(at), "low")
    with_legend = mpimg.imread(render_snapshot(at, only_low, PALETTE, tmp_path / "leg.png", view="top",
                                               size=(400, 300), legend=True, legend_title="phase"))
    no_legend = mpimg.imread(render_snapshot(at, only_low, PALETTE, tmp_path / "noleg.png", view="top",
                                             size=(400, 300), legend=False))
    b_leg, _ = colour_masks(with_legend)
    b_no, _ = colour_masks(no_legend)
    assert b_leg[:, 320:].sum() > b_no[:, 320:].sum() + 50


def test_default_palette_and_errors(tmp_path):
    pal = label_colors()
    for key in ("BCC", "HCP", "FCC", "other", "crystalline", "amorphous", "electrolyte", "metal"):
        assert key in pal and all(0 <= c <= 1 for c in pal[key])
    ptm = [pal[k] for k in ("BCC", "HCP", "FCC", "other")]
    assert len(set(ptm)) == 4
    at = tall_cell()
    with pytest.raises(ValueError, match="labels"):
        render_snapshot(at, ["BCC"] * (len(at) - 1), None, tmp_path / "x.png")
    with pytest.raises(ValueError, match="palette"):
        render_snapshot(at, ["unknown"] * len(at), None, tmp_path / "x.png")
    with pytest.raises(ValueError, match="view"):
        render_snapshot(at, ["BCC"] * len(at), None, tmp_path / "x.png", view="front")
    with pytest.raises(ValueError, match="radii"):
        render_snapshot(at, ["BCC"] * len(at), None, tmp_path / "x.png", radii={"S": 1.0})
    assert not (tmp_path / "x.png").exists()
