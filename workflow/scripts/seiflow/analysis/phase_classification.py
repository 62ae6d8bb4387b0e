"""Unsupervised classification of Li local environments (paper 001, Figs 3-4, S10-S11).

Three steps, split over two Python environments because DADApy 0.3.4 pins numpy < 2:

(a) here (main env): Li-centred SOAP descriptors of subsampled MD frames and of reference
    crystals -> L2 normalisation -> PCA -> one dataset ``.npz`` (:func:`build_dataset`,
    :func:`save_dataset`);
(b) ``workflow/scripts/density_peaks.py`` (DADApy env): 2NN intrinsic dimension, PAk
    log-density and DPA clustering with core / non-core (halo) flags -> clustering ``.npz``;
(c) here: clusters are named after the reference phase of their core points
    (:func:`label_clusters`), every point gets a phase (:func:`point_table`), phase fractions
    vs time (:func:`phase_fractions`) and a per-atom phase array for snapshots
    (:func:`phase_per_atom`).

Choices and deviations from paper 001
-------------------------------------
* Descriptor: paper 001 uses ACE descriptors [Drautz, PRB 99, 014104 (2019)] centred on Li.
  No maintained ACE descriptor package installs in this environment (python-ace/pacemaker
  needs TensorFlow and numpy < 2), so the Li-centred SOAP power spectrum of DScribe is used
  [Bartók, Kondor, Csányi, PRB 87, 184115 (2013); Himanen et al., CPC 247, 106949 (2020)].
  Both are rotation-invariant expansions of the neighbour density; each vector is
  L2-normalised so the Euclidean distance is the SOAP kernel distance sqrt(2 - 2k)
  [De et al., PCCP 18, 13754 (2016)].
* PCA (scikit-learn, exact ``covariance_eigh`` solver, no whitening) to ``n_components``
  dimensions before the distances: the SOAP vector has (n_species n_max)(n_species n_max +
  1)/2 (l_max + 1) = 1500 features for 4 species, n_max 6, l_max 4; the k-nearest-neighbour
  search of DADApy and the dataset ``.npz`` scale with that width.  PAk works in the
  intrinsic dimension estimated by 2NN (≈5 on the demo trajectory), so a projection
  keeping most of the variance (97 % with 16 components on the demo) leaves the density
  estimate essentially unchanged; the kept variance is stored
  (``explained_variance_ratio``).  The PCA is fitted on all points (reference + MD).
* References are clustered together with the MD points (paper 001 assigns them to the
  existing clusters afterwards, its Ref. 66).  Fractions are computed over MD points only.
* Subsampling: every ``frame_stride``-th MD frame, ``n_li_per_frame`` Li centres per frame
  drawn without replacement with ``numpy.random.default_rng([seed, frame])`` (the choice in a
  frame does not depend on the other frames); reference frames use ``n_li_per_reference``
  centres and ``default_rng([seed, 1_000_003 + i_phase, frame])``.

Cluster labels (paper 001, "SEI composition from unsupervised classification")
------------------------------------------------------------------------------
A cluster whose core holds reference points takes the majority phase of those points;
a cluster whose core holds none is ``unknown_<k>``.  For unknown clusters, reference
points in the non-core region name the non-core points (paper 001: Li3P and LiCl
"exclusively in non-core regions").  The mean Li-centred neighbour counts of each cluster
(within ``neighbour_cutoff_A``) describe the unknown ones.

Units: lengths in Å, times in ps.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from os import PathLike

import numpy as np
import pandas as pd
from ase import Atoms
from ase.neighborlist import neighbor_list

from seiflow.md.lammps import dump_times_ps, run_frames

__all__ = [
    "SOAP_DEFAULTS",
    "DATASET_KEYS",
    "CLUSTERING_KEYS",
    "select_li_centres",
    "soap_descriptors",
    "neighbour_counts",
    "build_dataset",
    "validate_dataset",
    "save_dataset",
    "load_dataset",
    "load_clustering",
    "label_clusters",
    "point_table",
    "phase_fractions",
    "phase_per_atom",
    "n_reference_frames",
    "evenly_spaced",
    "reference_frames",
]

#: SOAP settings (Å for r_cut_A and sigma_A).  5.5 Å holds the first two Li-S shells of Li2S
#: (2.47, 4.73 Å) and the first two shells of bcc Li (2.98, 3.44 Å); n_max 6 / l_max 4 give
#: 1500 features for 4 species.
SOAP_DEFAULTS = {"r_cut_A": 5.5, "n_max": 6, "l_max": 4, "sigma_A": 0.5}

#: Arrays of a dataset (step a); all per-point arrays have length n_points.
DATASET_KEYS = ("X", "frame", "atom", "source", "time_ps", "neighbour_counts", "species",
                "explained_variance_ratio", "settings")
#: Arrays of a clustering (step b) read by :func:`load_clustering`.
CLUSTERING_KEYS = ("cluster", "core", "log_den", "log_den_err")

_MD = "md"
_REF = "reference:"
_REF_SEED_OFFSET = 1_000_003


# --------------------------------------------------------------------------- step (a)
def select_li_centres(atoms: Atoms, n: int | None, rng: np.random.Generator) -> np.ndarray:
    """Indices of the Li atoms used as descriptor centres in one frame.

    Parameters
    ----------
    atoms
        Frame (element identity from ``atoms.numbers``).
    n
        Number of Li centres; ``None`` or ``n >= n_Li`` -> all Li.
    rng
        Generator of the draw (without replacement).

    Returns
    -------
    np.ndarray, shape (min(n, n_Li),), int, sorted atom indices.

    Raises
    ------
    ValueError
        No Li in the frame or ``n < 1``.
    """
    if n is not None and (int(n) != n or n < 1):
        raise ValueError(f"n must be a positive integer or None, got {n!r}")
    li = np.flatnonzero(atoms.numbers == 3)
    if li.size == 0:
        raise ValueError("frame has no Li atoms")
    if n is None or n >= li.size:
        return li
    return np.sort(rng.choice(li, size=int(n), replace=False))


def _periodic_copy(atoms: Atoms) -> Atoms:
    out = atoms.copy()
    out.set_celldisp([0.0, 0.0, 0.0])
    if np.any(out.pbc):
        out.wrap()
    return out


def soap_descriptors(
    atoms: Atoms,
    centres: Sequence[int],
    species: Sequence[str],
    soap: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Li-centred SOAP power spectra of one frame (DScribe ``SOAP``, ``average="off"``).

    Parameters
    ----------
    atoms
        Frame; periodic along ``atoms.pbc`` (box origin ignored, positions wrapped).
    centres
        Atom indices of the centres, shape (n_centres,).
    species
        Species of the descriptor (the study type map, e.g. ``["Li", "P", "S", "Cl"]``);
        must contain every element of the frame.
    soap
        ``r_cut_A`` (Å), ``n_max``, ``l_max``, ``sigma_A`` (Å, Gaussian width); missing keys
        from :data:`SOAP_DEFAULTS`.

    Returns
    -------
    np.ndarray, shape (n_centres, n_features), float32, each row L2-normalised.

    Raises
    ------
    ValueError
        Element of the frame not in ``species``, unknown ``soap`` key, empty ``centres``.

    Source: Bartók et al., PRB 87, 184115 (2013); DScribe, Himanen et al., CPC 247, 106949.
    """
    s = _soap_settings(soap)
    missing = set(atoms.get_chemical_symbols()) - set(species)
    if missing:
        raise ValueError(f"elements {sorted(missing)} are not in species {list(species)}")
    centres = [int(i) for i in centres]
    if not centres:
        raise ValueError("no descriptor centres")
    desc = _soap(tuple(species), float(s["r_cut_A"]), int(s["n_max"]), int(s["l_max"]),
                 float(s["sigma_A"]), bool(np.any(atoms.pbc)))
    x = desc.create(_periodic_copy(atoms), centers=centres)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32)


@lru_cache(maxsize=8)
def _soap(species: tuple[str, ...], r_cut: float, n_max: int, l_max: int, sigma: float,
          periodic: bool):
    """DScribe SOAP object, cached: building one costs ~60 ms, more than a 30-centre frame."""
    from dscribe.descriptors import SOAP

    return SOAP(species=list(species), r_cut=r_cut, n_max=n_max, l_max=l_max, sigma=sigma,
                periodic=periodic, average="off", sparse=False, dtype="float64")


def _soap_settings(soap: Mapping[str, float] | None) -> dict[str, float]:
    s = dict(SOAP_DEFAULTS)
    unknown = set(soap or {}) - set(SOAP_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown SOAP settings {sorted(unknown)}; known {sorted(SOAP_DEFAULTS)}")
    s.update(soap or {})
    return s


def neighbour_counts(
    atoms: Atoms, centres: Sequence[int], species: Sequence[str], cutoff: float
) -> np.ndarray:
    """Number of neighbours of each species within ``cutoff`` of each centre.

    Parameters
    ----------
    atoms
        Frame (ASE neighbour list, honours ``atoms.pbc``; pair counted when d < cutoff).
    centres
        Atom indices, shape (n_centres,).
    species
        Column order, shape (n_species,).
    cutoff
        Radius in Å (> 0).

    Returns
    -------
    np.ndarray, shape (n_centres, n_species), int32.

    Raises
    ------
    ValueError
        Non-positive cutoff.
    """
    if not cutoff > 0:
        raise ValueError(f"cutoff must be > 0 Å, got {cutoff!r}")
    centres = np.asarray(centres, dtype=int)
    i, j = neighbor_list("ij", _periodic_copy(atoms), float(cutoff))
    row = np.full(len(atoms), -1)
    row[centres] = np.arange(centres.size)
    sym = np.asarray(atoms.get_chemical_symbols())
    col = np.array([list(species).index(x) if x in species else -1 for x in sym])
    keep = (row[i] >= 0) & (col[j] >= 0)
    out = np.zeros((centres.size, len(species)), dtype=np.int32)
    np.add.at(out, (row[i[keep]], col[j[keep]]), 1)
    return out


def build_dataset(
    md_frames: Iterable[Atoms],
    md_time_ps: Sequence[float],
    references: Mapping[str, Sequence[Atoms]],
    species: Sequence[str],
    *,
    soap: Mapping[str, float] | None = None,
    n_li_per_frame: int | None = 30,
    frame_stride: int = 1,
    n_li_per_reference: int | None = 30,
    n_components: int | None = 16,
    neighbour_cutoff_A: float = 3.2,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Descriptor dataset of step (a): subsampled MD + reference Li environments, PCA-reduced.

    Parameters
    ----------
    md_frames
        MD frames (may be a generator, e.g. :func:`seiflow.analysis.sei_formation.iter_lammps_dump`).
    md_time_ps
        Time of every MD frame in ps, length = number of frames (before the stride).
    references
        Phase name -> frames of that reference crystal (e.g. 300 K MD or rattled cells).
    species
        Descriptor species (study type map).
    soap
        SOAP settings, see :func:`soap_descriptors`.
    n_li_per_frame, n_li_per_reference
        Li centres drawn per MD / reference frame (``None``: all Li).
    frame_stride
        Use MD frames 0, stride, 2 stride, ...
    n_components
        PCA dimensions (``None``: no PCA; must not exceed n_points or n_features).
    neighbour_cutoff_A
        Radius of the neighbour counts (Å); 3.2 Å holds the first shells (Li-S 2.47 Å in
        Li2S, Li-Cl 2.57 Å in LiCl, Li-Li 2.98 Å in bcc Li) and not the bcc second shell
        (3.44 Å).
    seed
        Seed of the centre draws.

    Returns
    -------
    dict with the keys of :data:`DATASET_KEYS`: ``X`` (n_points, n_dims) float32; ``frame``,
    ``atom`` (n_points,) int; ``source`` (n_points,) str (``"md"`` or
    ``"reference:<phase>"``); ``time_ps`` (n_points,) float (NaN for references);
    ``neighbour_counts`` (n_points, n_species) int; ``species`` (n_species,) str;
    ``explained_variance_ratio`` (n_dims,) (empty without PCA); ``settings`` JSON str.

    Raises
    ------
    ValueError
        Number of MD frames differs from ``len(md_time_ps)``, no MD frame, invalid
        ``frame_stride`` or ``n_components``, phase name with ":".
    """
    if int(frame_stride) != frame_stride or frame_stride < 1:
        raise ValueError(f"frame_stride must be a positive integer, got {frame_stride!r}")
    times = np.asarray(md_time_ps, dtype=float)
    blocks: list[tuple[np.ndarray, np.ndarray, int, str, float, np.ndarray]] = []

    def add(atoms, f, source, t, rng, n):
        c = select_li_centres(atoms, n, rng)
        blocks.append((soap_descriptors(atoms, c, species, soap), c, f, source, t,
                       neighbour_counts(atoms, c, species, neighbour_cutoff_A)))

    n_md = 0
    for f, atoms in enumerate(md_frames):
        n_md += 1
        if f >= times.size:
            raise ValueError(f"more MD frames than md_time_ps entries ({times.size})")
        if f % frame_stride == 0:
            add(atoms, f, _MD, times[f], np.random.default_rng([seed, f]), n_li_per_frame)
    if n_md != times.size:
        raise ValueError(f"{n_md} MD frames but {times.size} md_time_ps entries")
    if n_md == 0:
        raise ValueError("no MD frames")
    for p, (phase, frames) in enumerate(references.items()):
        if ":" in phase:
            raise ValueError(f"phase name must not contain ':', got {phase!r}")
        for f, atoms in enumerate(frames):
            rng = np.random.default_rng([seed, _REF_SEED_OFFSET + p, f])
            add(atoms, f, _REF + phase, np.nan, rng, n_li_per_reference)

    x = np.concatenate([b[0] for b in blocks])
    n_per = [len(b[1]) for b in blocks]
    evr = np.zeros(0)
    if n_components is not None:
        from sklearn.decomposition import PCA

        if not 1 <= n_components <= min(x.shape):
            raise ValueError(f"n_components must be in [1, {min(x.shape)}], got {n_components}")
        pca = PCA(n_components=int(n_components), svd_solver="covariance_eigh")
        x = pca.fit_transform(x.astype(np.float64))
        evr = pca.explained_variance_ratio_
    settings = {"soap": _soap_settings(soap), "n_li_per_frame": n_li_per_frame,
                "frame_stride": int(frame_stride), "n_li_per_reference": n_li_per_reference,
                "n_components": n_components, "neighbour_cutoff_A": float(neighbour_cutoff_A),
                "seed": int(seed), "descriptor": "dscribe SOAP, L2-normalised, Li-centred"}
    ds = {
        "X": np.ascontiguousarray(x, dtype=np.float32),
        "frame": np.repeat([b[2] for b in blocks], n_per).astype(np.int64),
        "atom": np.concatenate([b[1] for b in blocks]).astype(np.int64),
        "source": np.repeat(np.array([b[3] for b in blocks], dtype=str), n_per),
        "time_ps": np.repeat([b[4] for b in blocks], n_per).astype(float),
        "neighbour_counts": np.concatenate([b[5] for b in blocks]),
        "species": np.asarray(list(species), dtype=str),
        "explained_variance_ratio": np.asarray(evr, dtype=float),
        "settings": np.asarray(json.dumps(settings)),
    }
    validate_dataset(ds)
    return ds


def validate_dataset(ds: Mapping[str, np.ndarray]) -> int:
    """Check the keys, shapes and values of a dataset (step a).

    Parameters
    ----------
    ds
        Mapping with the keys of :data:`DATASET_KEYS`.

    Returns
    -------
    int, the number of points.

    Raises
    ------
    ValueError
        Missing key, ``X`` not 2-D or not finite, a per-point array whose length differs
        from ``len(X)``, neighbour counts not (n_points, n_species), unknown source label.
    """
    missing = [k for k in DATASET_KEYS if k not in ds]
    if missing:
        raise ValueError(f"dataset lacks {missing}")
    x = np.asarray(ds["X"])
    if x.ndim != 2 or x.shape[0] == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"X must be a finite non-empty 2-D array, got shape {x.shape}")
    n = x.shape[0]
    for k in ("frame", "atom", "source", "time_ps"):
        if np.shape(ds[k]) != (n,):
            raise ValueError(f"{k} has shape {np.shape(ds[k])}, expected ({n},)")
    if np.shape(ds["neighbour_counts"]) != (n, len(ds["species"])):
        raise ValueError(f"neighbour_counts has shape {np.shape(ds['neighbour_counts'])}, "
                         f"expected ({n}, {len(ds['species'])})")
    src = np.asarray(ds["source"], dtype=str)
    bad = ~((src == _MD) | np.char.startswith(src, _REF))
    if bad.any():
        raise ValueError(f"unknown source labels {sorted(set(src[bad]))[:5]}")
    return n


def save_dataset(path: str | PathLike, ds: Mapping[str, np.ndarray]) -> None:
    """Write a validated dataset to a compressed ``.npz`` (no pickled objects).

    Raises
    ------
    ValueError
        See :func:`validate_dataset`.
    """
    validate_dataset(ds)
    np.savez_compressed(path, **{k: np.asarray(ds[k]) for k in DATASET_KEYS})


def load_dataset(path: str | PathLike) -> dict[str, np.ndarray]:
    """Read and validate a dataset written by :func:`save_dataset`.

    Raises
    ------
    ValueError
        See :func:`validate_dataset`.
    """
    with np.load(path, allow_pickle=False) as z:
        ds = {k: z[k] for k in z.files}
    validate_dataset(ds)
    return ds


def load_clustering(path: str | PathLike, n_points: int) -> dict[str, np.ndarray]:
    """Read the output of ``density_peaks.py`` (step b) and check it against a dataset.

    Parameters
    ----------
    path
        Clustering ``.npz``.
    n_points
        Number of points of the dataset it was computed from.

    Returns
    -------
    dict of all arrays in the file; ``cluster`` (n_points,) int, ``core`` (n_points,) bool,
    ``log_den`` / ``log_den_err`` (n_points,) float.

    Raises
    ------
    ValueError
        Missing key or per-point array of another length than ``n_points``.
    """
    with np.load(path, allow_pickle=False) as z:
        cl = {k: z[k] for k in z.files}
    _check_clustering(cl, n_points)
    return cl


def _check_clustering(
    cl: Mapping[str, np.ndarray], n: int, keys: Sequence[str] = CLUSTERING_KEYS
) -> None:
    missing = [k for k in keys if k not in cl]
    if missing:
        raise ValueError(f"clustering lacks {missing}")
    for k in keys:
        if np.shape(cl[k]) != (n,):
            raise ValueError(f"clustering {k} has shape {np.shape(cl[k])}, expected ({n},)")
    if np.any(np.asarray(cl["cluster"]) < 0):
        raise ValueError("cluster labels must be >= 0 (core/non-core is given by 'core')")


# --------------------------------------------------------------------------- step (c)
def label_clusters(
    ds: Mapping[str, np.ndarray],
    clustering: Mapping[str, np.ndarray],
    min_reference_points: int = 1,
) -> pd.DataFrame:
    """Name each DPA cluster after the reference phase of its core points (paper 001).

    Parameters
    ----------
    ds
        Dataset (step a).
    clustering
        ``cluster`` and ``core`` arrays (step b), length n_points.
    min_reference_points
        Core reference points needed to name a cluster (and non-core reference points to
        name the non-core points of an unknown cluster).

    Returns
    -------
    pd.DataFrame, one row per cluster (index ``cluster``): ``label`` (majority reference
    phase of the core, else ``unknown_<k>``), ``noncore_label`` (for unknown clusters the
    majority phase of its non-core reference points, else ``label``), ``purity`` (share of
    the core reference points in the majority phase; NaN when unknown), ``n_points``,
    ``n_core``, ``n_md``, ``n_ref_core``, ``n_ref_noncore``, ``n_core_<phase>`` per
    reference phase, and ``mean_n_<species>``: mean neighbour counts of the MD Li centres
    (all MD points when the cluster has none: references only).

    Raises
    ------
    ValueError
        Inconsistent lengths (see :func:`validate_dataset`), ``min_reference_points < 1``.
    """
    n = validate_dataset(ds)
    _check_clustering(clustering, n, ("cluster", "core"))
    if min_reference_points < 1:
        raise ValueError("min_reference_points must be >= 1")
    src = np.asarray(ds["source"], dtype=str)
    cl = np.asarray(clustering["cluster"], dtype=int)
    core = np.asarray(clustering["core"], dtype=bool)
    is_ref = np.char.startswith(src, _REF)
    phase = np.where(is_ref, np.char.replace(src, _REF, ""), "")
    phases = sorted(set(phase[is_ref]))
    counts = np.asarray(ds["neighbour_counts"], dtype=float)
    rows = []
    for k in np.unique(cl):
        m = cl == k
        ref_core = pd.Series(phase[m & core & is_ref]).value_counts()
        ref_non = pd.Series(phase[m & ~core & is_ref]).value_counts()
        known = ref_core.sum() >= min_reference_points
        label = str(ref_core.index[0]) if known else f"unknown_{k}"
        non = (str(ref_non.index[0]) if not known and ref_non.sum() >= min_reference_points
               else label)
        md = m & ~is_ref
        sel = md if md.any() else m
        row = {"cluster": int(k), "label": label, "noncore_label": non,
               "purity": ref_core.iloc[0] / ref_core.sum() if known else np.nan,
               "n_points": int(m.sum()), "n_core": int((m & core).sum()),
               "n_md": int(md.sum()), "n_ref_core": int(ref_core.sum()),
               "n_ref_noncore": int(ref_non.sum())}
        row |= {f"n_core_{p}": int(ref_core.get(p, 0)) for p in phases}
        row |= {f"mean_n_{s}": counts[sel, i].mean() for i, s in enumerate(ds["species"])}
        rows.append(row)
    return pd.DataFrame(rows).set_index("cluster")


def point_table(
    ds: Mapping[str, np.ndarray], clustering: Mapping[str, np.ndarray], labels: pd.DataFrame
) -> pd.DataFrame:
    """Phase of every point: core points take the cluster label, non-core points of an
    unknown cluster its ``noncore_label``.

    Parameters
    ----------
    ds, clustering
        Dataset (step a) and clustering (step b).
    labels
        Output of :func:`label_clusters`.

    Returns
    -------
    pd.DataFrame, n_points rows: ``frame``, ``atom``, ``source``, ``time_ps``, ``cluster``,
    ``core`` (bool), ``log_den``, ``phase`` (str).

    Raises
    ------
    ValueError
        Inconsistent lengths, or a cluster missing from ``labels``.
    """
    n = validate_dataset(ds)
    _check_clustering(clustering, n)
    cl = np.asarray(clustering["cluster"], dtype=int)
    missing = set(np.unique(cl)) - set(labels.index)
    if missing:
        raise ValueError(f"clusters {sorted(missing)} are not in the label table")
    core = np.asarray(clustering["core"], dtype=bool)
    phase = np.where(core, labels.loc[cl, "label"].to_numpy(),
                     labels.loc[cl, "noncore_label"].to_numpy())
    return pd.DataFrame({"frame": ds["frame"], "atom": ds["atom"],
                         "source": np.asarray(ds["source"], dtype=str), "time_ps": ds["time_ps"],
                         "cluster": cl, "core": core, "log_den": clustering["log_den"],
                         "phase": phase.astype(str)})


def phase_fractions(points: pd.DataFrame, mode: str = "all") -> pd.DataFrame:
    """Phase fractions of the MD Li environments per frame (paper 001 Figs 4c, S11).

    Parameters
    ----------
    points
        Output of :func:`point_table` (reference points are ignored).
    mode
        ``"all"``: all MD points, column per phase; ``"core"``: core MD points only;
        ``"split"``: all MD points, columns ``<phase>_C`` (core) and ``<phase>_N``
        (non-core) as in paper 001 Fig. 4c.

    Returns
    -------
    pd.DataFrame indexed by ``frame`` with ``time_ps``, ``n_points`` and one fraction
    column per phase (sorted names); each row of fractions sums to 1 (a frame with no
    point in the subset is dropped).

    Raises
    ------
    ValueError
        Unknown ``mode`` or no MD points.
    """
    if mode not in ("all", "core", "split"):
        raise ValueError(f"mode must be 'all', 'core' or 'split', got {mode!r}")
    md = points[points["source"] == _MD]
    if mode == "core":
        md = md[md["core"]]
    if md.empty:
        raise ValueError("no MD points to count")
    phase = md["phase"]
    if mode == "split":
        phase = phase + np.where(md["core"], "_C", "_N")
    frac = pd.crosstab(md["frame"], phase, normalize="index")
    frac = frac[sorted(frac.columns)]
    frac.columns.name = None
    info = md.groupby("frame").agg(time_ps=("time_ps", "first"), n_points=("phase", "size"))
    return info.join(frac)


def phase_per_atom(points: pd.DataFrame, frame: int, n_atoms: int, fill: str = "") -> np.ndarray:
    """Phase of every atom of one MD frame, for colouring a snapshot (paper 001 Fig. 4a).

    Parameters
    ----------
    points
        Output of :func:`point_table`.
    frame
        MD frame index (as in ``points["frame"]``).
    n_atoms
        Number of atoms of that frame.
    fill
        Value of the atoms without a classified environment (non-Li or not subsampled).

    Returns
    -------
    np.ndarray, shape (n_atoms,), str (e.g. to store as ``atoms.arrays["phase"]``).

    Raises
    ------
    ValueError
        The frame has no classified MD point, or an atom index >= ``n_atoms``.
    """
    sel = points[(points["source"] == _MD) & (points["frame"] == frame)]
    if sel.empty:
        raise ValueError(f"frame {frame} has no classified MD points")
    if sel["atom"].max() >= n_atoms:
        raise ValueError(f"atom index {sel['atom'].max()} >= n_atoms {n_atoms}")
    width = max([len(fill), *sel["phase"].str.len()])
    out = np.full(n_atoms, fill, dtype=f"<U{width}")
    out[sel["atom"].to_numpy()] = sel["phase"].to_numpy()
    return out


def n_reference_frames(n_md_frames: int, n_phases: int, n_available: int) -> int:
    """Frames taken from each reference run: ceil(n_md_frames / n_phases), at most
    ``n_available`` (the NPT frames of the run) and at least 1.

    Raises
    ------
    ValueError
        A count < 1.
    """
    if min(n_md_frames, n_phases, n_available) < 1:
        raise ValueError(f"counts must be >= 1, got {n_md_frames}, {n_phases}, {n_available}")
    return min(n_available, math.ceil(n_md_frames / n_phases))


def evenly_spaced(indices, n: int) -> np.ndarray:
    """``n`` entries of ``indices`` evenly spaced from the first to the last (all if n >= len).

    Returns
    -------
    np.ndarray, shape (min(n, len(indices)),), int, increasing.

    Raises
    ------
    ValueError
        Empty ``indices`` or n < 1.
    """
    idx = np.asarray(indices, dtype=int)
    if idx.size == 0 or n < 1:
        raise ValueError(f"need indices and n >= 1, got {idx.size} indices, n={n}")
    if n >= idx.size:
        return idx
    return idx[np.round(np.linspace(0, idx.size - 1, n)).astype(int)]


def reference_frames(md_dir, type_map, md: dict, n_frames_md: int, n_phases: int) -> list:
    """Frames of one reference bulk-MD run for the classification dataset (paper 001 Fig. 4).

    :func:`evenly_spaced` NPT frames (time >= the end of the NVT equilibration,
    ``md["nvt_steps"]`` × ``md["timestep_fs"]``), :func:`n_reference_frames` of them.

    Parameters
    ----------
    md_dir
        Folder of the reference run (dump files).
    type_map
        LAMMPS type -> element, in type order.
    md
        The run's MD settings (``nvt_steps``, ``timestep_fs`` and those of
        :func:`seiflow.md.lammps.dump_times_ps`).
    n_frames_md
        Number of classified MD frames.
    n_phases
        Number of reference phases.

    Returns
    -------
    list of ase.Atoms
        The kept frames, in time order.

    Raises
    ------
    ValueError
        From :func:`n_reference_frames` / :func:`evenly_spaced` (no NPT frame).
    """
    times = np.asarray(dump_times_ps(md))
    npt = np.flatnonzero(times >= md["nvt_steps"] * md["timestep_fs"] / 1000.0 - 1e-12)
    keep = set(evenly_spaced(npt, n_reference_frames(n_frames_md, n_phases, npt.size)).tolist())
    return [atoms for f, (atoms, _t) in enumerate(run_frames(md_dir, type_map, md)) if f in keep]
