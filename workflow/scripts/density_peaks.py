"""Step (b) of the Li-environment classification: PAk density + DPA clustering with DADApy.

Runs in the separate DADApy environment (DADApy 0.3.4 needs numpy < 2), so it imports
neither ``seiflow`` nor anything beyond numpy and dadapy::

    .venv-dadapy/bin/python workflow/scripts/density_peaks.py in.npz out.npz \
        --maxk 100 --Z 1.65 --seed 0

``in.npz`` holds ``X`` (n_points, n_dims) (step a, :mod:`seiflow.analysis.phase_classification`);
``out.npz`` gets ``cluster`` (n_points,) int, ``core`` (n_points,) bool, ``log_den``,
``log_den_err`` (n_points,) float, ``kstar`` (n_points,) int, ``intrinsic_dim``,
``n_clusters``, ``cluster_centers`` (n_clusters,) point indices, ``log_den_saddle``
(n_clusters, n_clusters), ``maxk``, ``Z``, ``seed``, ``n_unique``, ``dup_tol``.

Method
------
1. ``compute_distances(maxk)``: Euclidean k-nearest neighbours.
2. ``compute_id_2NN``: intrinsic dimension from the ratio of second to first neighbour
   distances [Facco et al., Sci. Rep. 7, 12140 (2017)].
3. ``compute_density_PAk``: point-adaptive k-NN log-density with its error [Rodriguez et al.,
   JCTC 14, 1206 (2018)] (paper 001 Ref. 61).
4. ``compute_clustering_ADP(Z)``: density peak advanced clustering [d'Errico et al., Inf. Sci.
   560, 476 (2021)] (paper 001 Ref. 62): peaks whose saddle is not significantly lower
   (at confidence Z) than the lower peak are merged.  Run a second time with ``halo=True``:
   points with a log-density below the highest saddle of their cluster are the non-core
   (halo) points; the others are the cluster core (paper 001, Fig. 3a, Refs 64-65).

Duplicates: rows closer than ``dup_tol`` (linked transitively) are clustered as one point
and the result is copied to every member.  Zero or float-noise distances make the 2NN ratio
r2/r1 and the PAk likelihood undefined (NaN log-density); they occur for symmetry-equivalent
Li in a perfect crystal (e.g. the unrelaxed first MD frame), whose float32 descriptors differ
by ~1e-7.  ``n_unique`` records how many distinct points were clustered; ``maxk`` is capped
at n_unique - 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree


def merge_duplicates(X: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Group points closer than ``tol`` (transitively, connected components of the pair graph).

    Parameters
    ----------
    X
        Points, shape (n_points, n_dims).
    tol
        Euclidean distance in units of X (>= 0; 0 groups exact duplicates only).

    Returns
    -------
    first : np.ndarray, shape (n_groups,), int, lowest point index of each group
    inverse : np.ndarray, shape (n_points,), int, group of each point (X[first][inverse] ~ X)

    Raises
    ------
    ValueError
        ``tol < 0``.
    """
    if not tol >= 0:
        raise ValueError(f"dup_tol must be >= 0, got {tol!r}")
    n = X.shape[0]
    pairs = cKDTree(X).query_pairs(float(tol), output_type="ndarray").reshape(-1, 2)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, group = connected_components(graph, directed=False)
    _, first, inverse = np.unique(group, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def density_peak_clustering(
    X: np.ndarray,
    maxk: int,
    Z: float,
    *,
    seed: int = 0,
    id_fraction: float = 1.0,
    n_jobs: int = 1,
    dup_tol: float = 1e-5,
) -> dict[str, np.ndarray]:
    """PAk density and DPA clustering of points in a Euclidean space (DADApy ``Data``).

    Parameters
    ----------
    X
        Points, shape (n_points, n_dims), finite.
    maxk
        Largest neighbour order of the distance table (>= 3; capped at n_unique - 1).
    Z
        DPA merging confidence (> 0); larger Z merges more peaks (DADApy default 1.65).
    seed
        Seed of DADApy's generator, used by the decimated 2NN estimate (``id_fraction < 1``).
    id_fraction
        Fraction of the points per decimated 2NN estimate, in (0, 1] (1: all points, no
        randomness).
    n_jobs
        Threads of the neighbour search.
    dup_tol
        Points closer than this (units of X) count as one (see :func:`merge_duplicates`);
        the default sits between float32 noise (~1e-7) and the nearest-neighbour distances
        of thermal environments in PCA-reduced normalised SOAP space (~1e-3 to 1e-2).

    Returns
    -------
    dict: ``cluster`` (n_points,) int in [0, n_clusters); ``core`` (n_points,) bool;
    ``log_den``, ``log_den_err`` (n_points,) float (log of a density normalised to the
    number of distinct points, units of X^-ID); ``kstar`` (n_points,) int;
    ``intrinsic_dim``, ``n_clusters``, ``maxk``, ``Z``, ``seed``, ``n_unique``, ``dup_tol``
    scalars; ``cluster_centers`` (n_clusters,) indices into X; ``log_den_saddle``
    (n_clusters, n_clusters) log-density of the saddle between two clusters (below every ``log_den``
    where the two are not adjacent, and on the diagonal).

    Raises
    ------
    ValueError
        X not a finite 2-D array with >= 4 distinct rows, ``maxk < 3``, ``Z <= 0``,
        ``id_fraction`` outside (0, 1], ``dup_tol < 0``.
    RuntimeError
        The halo pass of DPA assigns a core point to another cluster (never expected).
    """
    from dadapy import Data

    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or not np.all(np.isfinite(X)):
        raise ValueError(f"X must be a finite 2-D array, got shape {X.shape}")
    if int(maxk) != maxk or maxk < 3:
        raise ValueError(f"maxk must be an integer >= 3, got {maxk!r}")
    if not Z > 0:
        raise ValueError(f"Z must be > 0, got {Z!r}")
    if not 0 < id_fraction <= 1:
        raise ValueError(f"id_fraction must be in (0, 1], got {id_fraction!r}")
    first, inverse = merge_duplicates(X, dup_tol)
    xu = X[first]
    if xu.shape[0] < 4:
        raise ValueError(f"need at least 4 distinct points, got {xu.shape[0]}")
    k = int(min(maxk, xu.shape[0] - 1))

    data = Data(coordinates=xu, maxk=k, n_jobs=int(n_jobs), verbose=False)
    data.rng = np.random.default_rng(seed)
    data.compute_distances(maxk=k)
    data.compute_id_2NN(data_fraction=id_fraction)
    data.compute_density_PAk()
    cluster = np.asarray(data.compute_clustering_ADP(Z=Z, halo=False)).copy()
    saddle = np.asarray(data.log_den_bord, dtype=float).copy()
    centers = np.asarray(data.cluster_centers, dtype=int)
    halo = np.asarray(data.compute_clustering_ADP(Z=Z, halo=True))
    core = halo >= 0
    if not np.array_equal(halo[core], cluster[core]):  # same peaks in both passes
        raise RuntimeError("DPA halo pass changed the cluster assignment")
    return {
        "cluster": cluster[inverse].astype(np.int64),
        "core": core[inverse],
        "log_den": np.asarray(data.log_den, dtype=float)[inverse],
        "log_den_err": np.asarray(data.log_den_err, dtype=float)[inverse],
        "kstar": np.asarray(data.kstar, dtype=np.int64)[inverse],
        "intrinsic_dim": np.float64(data.intrinsic_dim),
        "n_clusters": np.int64(data.N_clusters),
        "cluster_centers": first[centers].astype(np.int64),
        "log_den_saddle": saddle,
        "maxk": np.int64(k),
        "Z": np.float64(Z),
        "seed": np.int64(seed),
        "n_unique": np.int64(xu.shape[0]),
        "dup_tol": np.float64(dup_tol),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: read ``X`` from in.npz, cluster, write out.npz, print a JSON summary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inp", help="dataset .npz with X (n_points, n_dims)")
    ap.add_argument("out", help="output .npz")
    ap.add_argument("--maxk", type=int, default=100)
    ap.add_argument("--Z", type=float, default=1.65)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--id-fraction", type=float, default=1.0)
    ap.add_argument("--n-jobs", type=int, default=1)
    ap.add_argument("--dup-tol", type=float, default=1e-5)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    with np.load(a.inp, allow_pickle=False) as z:
        if "X" not in z.files:
            raise ValueError(f"{a.inp} has no array 'X'")
        X = z["X"]
    res = density_peak_clustering(X, a.maxk, a.Z, seed=a.seed, id_fraction=a.id_fraction,
                                  n_jobs=a.n_jobs, dup_tol=a.dup_tol)
    np.savez_compressed(a.out, **res)
    summary = {"n_points": int(X.shape[0]), "n_dims": int(X.shape[1]),
               "n_unique": int(res["n_unique"]), "maxk": int(res["maxk"]), "Z": a.Z,
               "intrinsic_dim": float(res["intrinsic_dim"]),
               "n_clusters": int(res["n_clusters"]), "core_fraction": float(res["core"].mean()),
               "wall_s": round(time.perf_counter() - t0, 3)}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
