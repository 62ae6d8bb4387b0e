"""Headless snapshots of labelled atomistic structures (OVITO + Tachyon).

Renders an ASE ``Atoms`` with one colour per atom label (PTM structure type,
crystalline/amorphous class, ...) for figures such as [paper 001, Fig. 2a]
(PTM colours), [paper 004, Fig. 3] (red crystalline, yellow amorphous, blue
Li metal) and [paper 003, Figs. 8, 10] (side views of the Li | SEI | LPSC
cell).  The interface normal is z.

:func:`render_snapshot` is the only function of the package family here that
writes a file (the PNG).  It builds an OVITO data collection with
``ovito.io.ase.ase_to_ovito``, colours the particles from the labels, frames
the cell in an orthographic viewport, draws the simulation cell and a colour
legend (OVITO ``ColorLegendOverlay`` on a typed ``Label`` particle property)
and renders with OVITO's software ``TachyonRenderer`` (no display needed).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import numpy as np
from ase import Atoms
from ase.data import covalent_radii

__all__ = ["label_colors", "render_snapshot", "render_snapshot_image"]

_VIEWS = {
    # camera direction, camera up vector
    "side": ((-1.0, 0.0, 0.0), (0.0, 0.0, 1.0)),  # look along -x: y to the right, z (interface normal) up
    "top": ((0.0, 0.0, -1.0), (0.0, 1.0, 0.0)),  # look down -z: x to the right, y up
}


def label_colors() -> dict[str, tuple[float, float, float]]:
    """Default palette (RGB in [0, 1]) for structure and phase labels.

    PTM types follow [paper 001, Fig. 2a]: BCC blue, HCP red, FCC green,
    other grey (ICO, SC and "excluded" added).  Phase classes follow [paper
    004, Fig. 3]: crystalline red, amorphous yellow, metal (Li) blue,
    electrolyte purple.

    Returns
    -------
    dict[str, tuple[float, float, float]]
        Keys ``"BCC", "HCP", "FCC", "ICO", "SC", "other", "excluded",
        "crystalline", "amorphous", "electrolyte", "metal"``.
    """
    return {
        "BCC": (0.20, 0.40, 0.90),
        "HCP": (0.90, 0.20, 0.20),
        "FCC": (0.20, 0.75, 0.25),
        "ICO": (0.95, 0.60, 0.10),
        "SC": (0.60, 0.30, 0.80),
        "other": (0.65, 0.65, 0.65),
        "excluded": (0.85, 0.85, 0.85),
        "crystalline": (0.85, 0.10, 0.10),
        "amorphous": (0.95, 0.80, 0.15),
        "electrolyte": (0.55, 0.30, 0.70),
        "metal": (0.25, 0.45, 0.90),
    }


def _check_rgb(label: str, rgb: Any) -> tuple[float, float, float]:
    arr = np.asarray(rgb, dtype=float)
    if arr.shape != (3,) or not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"palette[{label!r}] must be an RGB triple in [0, 1], got {rgb!r}")
    return (float(arr[0]), float(arr[1]), float(arr[2]))


def _radii(atoms: Atoms, radii: Any) -> np.ndarray:
    n = len(atoms)
    if radii is None:
        # half the covalent radius: keeps dense cells readable
        return 0.5 * covalent_radii[atoms.numbers] + 0.2
    if isinstance(radii, Mapping):
        symbols = atoms.get_chemical_symbols()
        missing = sorted(set(symbols) - set(radii))
        if missing:
            raise ValueError(f"radii has no entry for elements {missing}")
        out = np.array([float(radii[s]) for s in symbols])
    elif np.ndim(radii) == 0:
        out = np.full(n, float(radii))
    else:
        out = np.asarray(radii, dtype=float)
        if out.shape != (n,):
            raise ValueError(f"radii must be a number, a dict element->Å or shape ({n},), got shape {out.shape}")
    if not np.all(np.isfinite(out)) or np.any(out <= 0):
        raise ValueError("radii must be positive finite lengths in Å")
    return out


def render_snapshot(
    atoms: Atoms,
    labels: Sequence[str] | np.ndarray,
    palette: Mapping[str, Any] | None,
    png_path: str | Path,
    view: str = "side",
    size: tuple[int, int] = (800, 600),
    radii: Any = None,
    legend: bool = True,
    legend_title: str = "",
) -> Path:
    """Render a labelled structure to a PNG with OVITO (headless, Tachyon).

    Parameters
    ----------
    atoms
        Structure with a 3-D cell; ``atoms.get_celldisp()`` is the box origin.
    labels
        Array-like of str, shape (n_atoms,): one label per atom (e.g. from
        :func:`seiflow.analysis.crystallinity.ptm_structure_types`).
    palette
        Mapping label -> RGB triple in [0, 1]; every label present must have
        an entry.  ``None`` uses :func:`label_colors`.
    png_path
        Output file (parent folders are created).
    view
        ``"side"``: orthographic view along the x axis (camera looking
        towards -x) with z (interface normal) up and y to the right;
        ``"top"``: orthographic view down z with x to the right and y up.
    size
        Image (width, height) in pixels.
    radii
        Display radii in Å: None (0.5 × covalent radius + 0.2 Å), a number, a
        dict element symbol -> radius, or an array of shape (n_atoms,).
    legend
        Draw a colour legend of the labels present in a strip kept free on
        the right of the image (min(0.3 height, 0.45 width) pixels wide).
    legend_title
        Caption of the legend.

    Returns
    -------
    pathlib.Path
        ``png_path``.

    Raises
    ------
    ValueError
        Empty structure, degenerate cell, labels/atoms length mismatch,
        label without a palette entry, bad RGB, bad radii, unknown view or
        bad size.
    """
    from ovito.pipeline import Pipeline, StaticSource

    lab, cell, width, height = _check_snapshot_args(atoms, labels, view, size)
    present, colours = _label_colours(lab, palette)
    rad = _radii(atoms, radii)
    data = _ovito_data(atoms, cell, lab, present, colours, rad)
    pipeline = Pipeline(source=StaticSource(data=data))
    vp = _viewport(pipeline, view, legend, legend_title)
    out = Path(png_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    pipeline.add_to_scene()
    try:
        _render(vp, out, width, height, legend, view)
    finally:
        pipeline.remove_from_scene()
    return out


def render_snapshot_image(
    atoms: Atoms,
    labels: Sequence[str] | np.ndarray,
    palette: Mapping[str, Any] | None,
    **kwargs: Any,
) -> np.ndarray:
    """:func:`render_snapshot` into a temporary PNG, read back as an image array.

    Parameters
    ----------
    atoms, labels, palette
        As for :func:`render_snapshot`.
    **kwargs
        ``view``, ``size``, ``radii``, ``legend``, ``legend_title`` of
        :func:`render_snapshot`.

    Returns
    -------
    numpy.ndarray
        The image as read by :func:`matplotlib.image.imread`, shape
        (height, width, channels), floats in [0, 1].

    Raises
    ------
    ValueError
        As :func:`render_snapshot`.
    """
    with tempfile.TemporaryDirectory() as tmp:
        img = render_snapshot(atoms, labels, palette, Path(tmp) / "snap.png", **kwargs)
        return mpimg.imread(img)


# Steps of render_snapshot, in the order it calls them.
def _check_snapshot_args(atoms: Atoms, labels, view: str,
                         size) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Validate structure, labels, view and size; return (labels as str, cell (3, 3) in Å,
    width, height in pixels)."""
    if not isinstance(atoms, Atoms) or len(atoms) == 0:
        raise ValueError("atoms must be a non-empty ase.Atoms")
    lab = np.asarray(labels).astype(str)
    if lab.shape != (len(atoms),):
        raise ValueError(f"labels must have shape ({len(atoms)},) to match atoms, got {np.asarray(labels).shape}")
    cell = np.asarray(atoms.cell.array, dtype=float)
    if abs(np.linalg.det(cell)) < 1e-9:
        raise ValueError("a 3-D cell with non-zero volume is required")
    if view not in _VIEWS:
        raise ValueError(f"view must be one of {sorted(_VIEWS)}, got {view!r}")
    try:
        width, height = (int(s) for s in size)
    except (TypeError, ValueError):
        raise ValueError(f"size must be (width, height) in pixels, got {size!r}") from None
    if width < 16 or height < 16:
        raise ValueError(f"size must be at least 16 x 16 pixels, got {size!r}")
    return lab, cell, width, height


def _label_colours(lab: np.ndarray, palette: Mapping[str, Any] | None):
    """Labels present (order of first appearance) and their checked RGB colours."""
    pal = label_colors() if palette is None else dict(palette)
    present = list(dict.fromkeys(lab.tolist()))  # order of first appearance
    missing = [s for s in present if s not in pal]
    if missing:
        raise ValueError(f"palette has no colour for labels {missing}")
    return present, {s: _check_rgb(s, pal[s]) for s in present}


def _ovito_data(atoms: Atoms, cell: np.ndarray, lab: np.ndarray, present: list[str],
                colours: Mapping[str, tuple[float, float, float]], rad: np.ndarray):
    """OVITO data collection: particles with Color, Radius and a typed Label property (one
    type per label, for the legend) and a black simulation cell."""
    from ovito.io.ase import ase_to_ovito

    clean = Atoms(numbers=atoms.numbers, positions=atoms.positions, cell=cell, pbc=atoms.pbc,
                  info={"cell_origin": np.asarray(atoms.get_celldisp(), float).reshape(3)})
    data = ase_to_ovito(clean)
    particles = data.particles_
    particles.create_property("Color", data=np.array([colours[s] for s in lab]))
    particles.create_property("Radius", data=rad)
    label_prop = particles.create_property("Label", dtype=int, components=1)
    type_ids = {}
    for i, name in enumerate(present, start=1):
        ptype = label_prop.add_type_id(i, particles, name=name)
        ptype.color = colours[name]
        type_ids[name] = i
    label_prop[...] = np.array([type_ids[s] for s in lab])
    data.cell_.vis.enabled = True
    data.cell_.vis.rendering_color = (0.0, 0.0, 0.0)
    data.cell_.vis.line_width = max(0.004 * float(np.linalg.norm(cell, axis=1).max()), 0.05)
    return data


def _viewport(pipeline, view: str, legend: bool, legend_title: str):
    """Orthographic OVITO viewport for ``view``, with a colour legend overlay of the labels."""
    from ovito.vis import ColorLegendOverlay, Viewport

    cam_dir, cam_up = _VIEWS[view]
    vp = Viewport(type=Viewport.Type.Ortho, camera_dir=cam_dir, camera_up=cam_up)
    if legend:
        vp.overlays.append(
            ColorLegendOverlay(
                property="particles/Label",
                pipeline=pipeline,
                title=legend_title or " ",
                alignment=_qt_flags("AlignRight", "AlignTop"),
                orientation=_qt_vertical(),
                legend_size=0.35,
                aspect_ratio=3.0,
                label_size=1.0,
                offset_x=-0.02,
                offset_y=-0.08,
                use_type_shapes=False,
                background_enabled=True,
                background_color=(1.0, 1.0, 1.0),
            )
        )
    return vp


def _render(vp, out: Path, width: int, height: int, legend: bool, view: str) -> None:
    """Zoom to the structure (leaving a strip on the right for the legend) and render the PNG
    with Tachyon on a white background."""
    from ovito.vis import TachyonRenderer

    cam_dir, cam_up = _VIEWS[view]
    # with a legend, fit the structure into the left part of the image and keep
    # a free strip on the right for the legend
    reserve = min(int(0.3 * height), int(0.45 * width)) if legend else 0
    vp.zoom_all(size=(width - reserve, height))
    if reserve:
        world_per_px = 2.0 * vp.fov / height
        right = np.cross(np.asarray(cam_dir), np.asarray(cam_up))
        vp.camera_pos = tuple(np.asarray(vp.camera_pos) + right * 0.5 * reserve * world_per_px)
    vp.render_image(
        size=(width, height),
        filename=str(out),
        background=(1.0, 1.0, 1.0),
        renderer=TachyonRenderer(ambient_occlusion=False, shadows=False),
    )


def _qt_flags(*names: str):
    from ovito.qt_compat import QtCore

    flag = getattr(QtCore.Qt.AlignmentFlag, names[0])
    for name in names[1:]:
        flag = flag | getattr(QtCore.Qt.AlignmentFlag, name)
    return flag


def _qt_vertical():
    from ovito.qt_compat import QtCore

    return QtCore.Qt.Orientation.Vertical
