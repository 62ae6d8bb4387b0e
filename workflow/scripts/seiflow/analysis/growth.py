"""SEI growth-law fits, predictive test and uncertainties.

Pure functions on numpy arrays / pandas frames; no file I/O.  Times in ps,
thicknesses in Å.

Growth laws for the SEI thickness d(t) [paper 000, Discussion, Tables S1–S2]:
the paper fits "t1/2, t1/3, tn, and ln t" models ("the Wagner-type diffusion
model predicts a parabolic growth law d ∝ t1/2") and reports R² > 0.95 for all
(Table S1) and the best predictive performance for t^1/3 (Table S2).  The
supplementary tables are not part of the text available to this project, so
the exact forms are taken from the main text, i.e. proportional power laws:

* ``"t^1/2"``: d = k t^(1/2)
* ``"t^1/3"``: d = k t^(1/3)
* ``"t^n"``:   d = k t^n  (n free)
* ``"ln t"``:  d = a + b ln(t / 1 ps)  (an intercept is intrinsic to a log law)

with k in Å ps^-p.  ``offset=True`` adds a constant d0 (Å) to the power laws
(d = d0 + k t^p) for data whose time origin is not the moment of contact.
Only points with t > 0 (and finite t, d) enter any law, so that all laws are
scored on the same points.

Crystalline share c(t) of the reduced electrolyte [paper 004, Fig. 4]:
c = a + b √t (diffusion-limited, 300–350 K) and c = a + b t (interface-limited,
400 K).  The reduced fraction α(t) = a + b ln t [paper 004, Fig. 2] is fitted
with :func:`seiflow.analysis.sei_formation.fit_log_time`, which is also used here for
the ``"ln t"`` growth law.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import OptimizeWarning, curve_fit

from seiflow.analysis.sei_formation import fit_log_time

__all__ = [
    "GROWTH_LAWS",
    "DEFAULT_TRAIN_FRACTION",
    "growth_law_model",
    "fit_growth_law",
    "fit_growth_laws",
    "predictive_test",
    "growth_fit_fn",
    "block_bootstrap",
    "combine_replicas",
    "fit_crystalline_share",
    "SHARE_LAWS",
    "crystalline_share_fits",
    "share_fit_table",
    "log_time_fit_fn",
    "alpha_fits",
    "alpha_fit_table",
]

#: Growth laws of [paper 000, Tables S1–S2], in the order reported.
GROWTH_LAWS = ("t^1/2", "t^1/3", "t^n", "ln t")

#: Default share of the time span used for fitting in :func:`predictive_test`.
#: The paper's text does not state its split (Table S2 is in the SI); 0.5 is
#: this pipeline's choice and should come from the config.
DEFAULT_TRAIN_FRACTION = 0.5

_FIXED_EXPONENT = {"t^1/2": 0.5, "t^1/3": 1.0 / 3.0}
_FORMULA = {
    "t^1/2": "d = k t^(1/2)",
    "t^1/3": "d = k t^(1/3)",
    "t^n": "d = k t^n",
    "ln t": "d = a + b ln(t/ps)",
}
_COLUMNS = [
    "law",
    "formula",
    "k",
    "k_err",
    "exponent",
    "exponent_err",
    "d0",
    "d0_err",
    "a",
    "a_err",
    "b",
    "b_err",
    "r2",
    "rmse_A",
    "n_points",
]


# --------------------------------------------------------------------------
def _clean(t, y, name_y: str = "d_A") -> tuple[np.ndarray, np.ndarray]:
    """Validate, keep finite pairs with t > 0, sort by t."""
    tt = np.asarray(t, dtype=float)
    yy = np.asarray(y, dtype=float)
    if tt.ndim != 1 or yy.ndim != 1 or tt.shape != yy.shape:
        raise ValueError(
            f"t_ps and {name_y} must be 1-D arrays of equal length, got {tt.shape} and {yy.shape}"
        )
    ok = np.isfinite(tt) & np.isfinite(yy) & (tt > 0)
    tt, yy = tt[ok], yy[ok]
    order = np.argsort(tt, kind="stable")
    return tt[order], yy[order]


def _check_law(law: str) -> None:
    if law not in GROWTH_LAWS:
        raise ValueError(f"unknown growth law {law!r}; choose from {GROWTH_LAWS}")


def _r2(y: np.ndarray, y_hat: np.ndarray) -> float:
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    if ss_tot == 0:
        return float("nan")
    return 1.0 - float(np.sum((y - y_hat) ** 2)) / ss_tot


def growth_law_model(law: str, t_ps, params: Mapping[str, float]) -> np.ndarray:
    """Evaluate a growth law d(t).

    Parameters
    ----------
    law
        One of :data:`GROWTH_LAWS`.
    t_ps
        Times, any shape, ps (> 0 for ``"ln t"``).
    params
        ``k`` (Å ps^-p), ``exponent`` (``"t^n"`` only; fixed otherwise),
        optional ``d0`` (Å, power laws) for power laws; ``a`` (Å), ``b`` (Å)
        for ``"ln t"``.

    Returns
    -------
    np.ndarray
        d in Å, shape of ``t_ps``.

    Raises
    ------
    ValueError
        On an unknown law or a missing parameter.
    """
    _check_law(law)
    t = np.asarray(t_ps, dtype=float)
    try:
        if law == "ln t":
            with np.errstate(divide="ignore", invalid="ignore"):
                return params["a"] + params["b"] * np.log(t)
        p = _FIXED_EXPONENT.get(law)
        p = params["exponent"] if p is None else p
        d0 = params.get("d0", 0.0)
        d0 = 0.0 if d0 is None or not np.isfinite(d0) else d0
        return d0 + params["k"] * np.power(t, p)
    except KeyError as exc:
        raise ValueError(f"missing parameter {exc} for growth law {law!r}") from None


def fit_growth_law(t_ps, d_A, law: str, offset: bool = False) -> dict:
    """Fit one growth law to d(t) [paper 000, Table S1].

    Power laws are fitted by :func:`scipy.optimize.curve_fit` on d (linear
    scale, unweighted; ``"t^n"`` started from a log–log regression); the
    ``"ln t"`` law by :func:`seiflow.analysis.sei_formation.fit_log_time` (OLS).
    Errors are 1-sigma from the covariance (scaled by the residual variance).

    Parameters
    ----------
    t_ps
        Times, shape (n,), ps; points with t <= 0 or non-finite t/d dropped.
    d_A
        SEI thickness, shape (n,), Å.
    law
        One of :data:`GROWTH_LAWS`.
    offset
        Add a constant d0 to the power laws.

    Returns
    -------
    dict
        Keys of :func:`fit_growth_laws` rows (``law``, ``formula``, ``k``,
        ``k_err``, ``exponent``, ``exponent_err``, ``d0``, ``d0_err``, ``a``,
        ``a_err``, ``b``, ``b_err``, ``r2``, ``rmse_A``, ``n_points``); the
        parameters that do not belong to the law are NaN (fixed exponents
        have ``exponent_err`` = 0).

    Raises
    ------
    ValueError
        On bad shapes, an unknown law, or fewer than (parameters + 1) usable
        points (at least 3).
    RuntimeError
        If curve_fit does not converge.
    """
    _check_law(law)
    t, d = _clean(t_ps, d_A)
    nan = float("nan")
    row = {c: nan for c in _COLUMNS}
    row.update(
        law=law,
        formula=(
            _FORMULA[law]
            if not (offset and law != "ln t")
            else _FORMULA[law].replace("d = ", "d = d0 + ")
        ),
    )
    n_par = {"t^1/2": 1, "t^1/3": 1, "t^n": 2, "ln t": 2}[law] + (offset and law != "ln t")
    need = max(3, n_par + 1)
    if t.size < need:
        raise ValueError(f"need at least {need} points with t > 0 to fit {law!r}, got {t.size}")
    if np.ptp(t) == 0:
        raise ValueError("all times are equal")

    if law == "ln t":
        res = fit_log_time(t, d)
        row.update(a=res["a"], a_err=res["a_err"], b=res["b"], b_err=res["b_err"])
    else:
        p_fixed = _FIXED_EXPONENT.get(law)
        if p_fixed is not None:
            x = t**p_fixed
            k0 = float(np.sum(x * d) / np.sum(x * x))
            if offset:

                def model(tt, k, d0):
                    return d0 + k * tt**p_fixed

                p0 = [k0, 0.0]
            else:

                def model(tt, k):
                    return k * tt**p_fixed

                p0 = [k0]
        else:
            pos = d > 0
            if pos.sum() >= 2 and np.ptp(np.log(t[pos])) > 0:
                lr = stats.linregress(np.log(t[pos]), np.log(d[pos]))
                n0, k0 = float(lr.slope), float(np.exp(lr.intercept))
            else:
                n0, k0 = 0.5, float(np.mean(np.abs(d))) or 1.0
            if offset:

                def model(tt, k, n, d0):
                    return d0 + k * np.power(tt, n)

                p0 = [k0, n0, 0.0]
            else:

                def model(tt, k, n):
                    return k * np.power(tt, n)

                p0 = [k0, n0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", OptimizeWarning)
            popt, pcov = curve_fit(model, t, d, p0=p0, maxfev=20000)
        with np.errstate(invalid="ignore"):
            perr = np.sqrt(np.diag(pcov))
        perr = np.where(np.isfinite(perr), perr, nan)
        row.update(k=float(popt[0]), k_err=float(perr[0]))
        if p_fixed is not None:
            row.update(exponent=p_fixed, exponent_err=0.0)
        else:
            row.update(exponent=float(popt[1]), exponent_err=float(perr[1]))
        if offset:
            row.update(d0=float(popt[-1]), d0_err=float(perr[-1]))
    y_hat = growth_law_model(law, t, row)
    row.update(
        r2=_r2(d, y_hat),
        rmse_A=float(np.sqrt(np.mean((d - y_hat) ** 2))),
        n_points=int(t.size),
    )
    return row


def fit_growth_laws(
    t_ps, d_A, laws: Sequence[str] = GROWTH_LAWS, offset: bool = False
) -> pd.DataFrame:
    """Fit every growth law to d(t) [paper 000, Table S1].

    Parameters
    ----------
    t_ps
        Times, shape (n,), ps (t <= 0 and non-finite points dropped).
    d_A
        SEI thickness, shape (n,), Å.
    laws
        Subset of :data:`GROWTH_LAWS`.
    offset
        Add a constant d0 (Å) to the power laws.

    Returns
    -------
    pandas.DataFrame
        One row per law; columns ``law``, ``formula``, ``k`` (Å ps^-p),
        ``k_err``, ``exponent``, ``exponent_err``, ``d0``, ``d0_err`` (Å),
        ``a``, ``a_err``, ``b``, ``b_err`` (Å, ``"ln t"``), ``r2``,
        ``rmse_A``, ``n_points``.  Errors are 1-sigma.

    Raises
    ------
    ValueError
        As :func:`fit_growth_law`, or if ``laws`` is empty.
    """
    laws = list(laws)
    if not laws:
        raise ValueError("laws must not be empty")
    return pd.DataFrame([fit_growth_law(t_ps, d_A, law, offset) for law in laws], columns=_COLUMNS)


def predictive_test(
    t_ps,
    d_A,
    train_fraction: float = DEFAULT_TRAIN_FRACTION,
    laws: Sequence[str] = GROWTH_LAWS,
    offset: bool = False,
) -> pd.DataFrame:
    """Fit on the early part of d(t), score the prediction of the rest [paper 000, Table S2].

    Points with t > 0 are sorted by time and split at
    t_split = t_first + train_fraction · (t_last − t_first): points with
    t <= t_split train each law (:func:`fit_growth_law`), the later points
    are predicted.  Scores on the held-out part: R²_test = 1 − SS_res/SS_tot
    (SS_tot about the held-out mean; negative when the prediction is worse
    than that mean) and the RMSE (Å).

    Parameters
    ----------
    t_ps
        Times, shape (n,), ps.
    d_A
        SEI thickness, shape (n,), Å.
    train_fraction
        Share of the time span used for training, 0 < f < 1 (the paper's
        value is not in its main text; see :data:`DEFAULT_TRAIN_FRACTION`).
    laws
        Subset of :data:`GROWTH_LAWS`.
    offset
        Add a constant d0 to the power laws.

    Returns
    -------
    pandas.DataFrame
        One row per law: the :func:`fit_growth_laws` columns of the training
        fit (``r2`` renamed ``r2_train``, ``rmse_A`` → ``rmse_train_A``,
        ``n_points`` → ``n_train``) plus ``r2_test``, ``rmse_test_A``,
        ``n_test``, ``t_split_ps`` and ``best`` (True for the highest
        ``r2_test``).

    Raises
    ------
    ValueError
        If ``train_fraction`` is not in (0, 1), the training part is too
        small for a law, or fewer than 2 points are held out.
    """
    f = float(train_fraction)
    if not (np.isfinite(f) and 0 < f < 1):
        raise ValueError(f"train_fraction must be in (0, 1), got {train_fraction}")
    t, d = _clean(t_ps, d_A)
    if t.size < 2:
        raise ValueError("need at least 2 points with t > 0")
    t_split = t[0] + f * (t[-1] - t[0])
    train = t <= t_split
    test = ~train
    if test.sum() < 2:
        raise ValueError(f"only {int(test.sum())} points after t_split={t_split:.4g} ps; need >= 2")
    rows = []
    for law in laws:
        row = fit_growth_law(t[train], d[train], law, offset)
        pred = growth_law_model(law, t[test], row)
        row["r2_train"] = row.pop("r2")
        row["rmse_train_A"] = row.pop("rmse_A")
        row["n_train"] = row.pop("n_points")
        row["r2_test"] = _r2(d[test], pred)
        row["rmse_test_A"] = float(np.sqrt(np.mean((d[test] - pred) ** 2)))
        row["n_test"] = int(test.sum())
        row["t_split_ps"] = float(t_split)
        rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        raise ValueError("laws must not be empty")
    scores = df["r2_test"].to_numpy(dtype=float)
    best = np.zeros(len(df), dtype=bool)
    if np.isfinite(scores).any():
        best[int(np.nanargmax(scores))] = True
    df["best"] = best
    return df


# --------------------------------------------------------------------------
def growth_fit_fn(law: str, offset: bool = False) -> Callable:
    """Fit function of one growth law for :func:`block_bootstrap`.

    Parameters
    ----------
    law
        One of :data:`GROWTH_LAWS`.
    offset
        Add a constant d0 to the power laws.

    Returns
    -------
    callable
        ``fn(t_ps, d_A) -> (params, d_fit)``: the fitted free parameters
        (dict; ``k``/``exponent``/``d0`` or ``a``/``b``) and the fitted curve,
        shape (n,), Å.  ``fn`` raises ValueError if any t <= 0 or value is
        non-finite (filter before bootstrapping).

    Raises
    ------
    ValueError
        On an unknown law.
    """
    _check_law(law)
    if law == "ln t":
        names = ["a", "b"]
    else:
        names = ["k"] + (["exponent"] if law == "t^n" else []) + (["d0"] if offset else [])

    def fn(t_ps, d_A):
        t = np.asarray(t_ps, dtype=float)
        d = np.asarray(d_A, dtype=float)
        if not (np.all(np.isfinite(t)) and np.all(np.isfinite(d)) and np.all(t > 0)):
            raise ValueError("growth_fit_fn needs finite data with t > 0")
        row = fit_growth_law(t, d, law, offset)
        return {name: row[name] for name in names}, growth_law_model(law, t, row)

    return fn


def block_bootstrap(
    t,
    y,
    fit_fn: Callable,
    n_boot: int = 200,
    block_len: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Moving-block residual bootstrap of a time-series fit.

    The model is fitted once, ŷ = fit(t, y).  Each replicate resamples the
    residuals r = y − ŷ in contiguous blocks of ``block_len`` points (block
    starts drawn uniformly from 0 … n − L, blocks concatenated and cut to n),
    which keeps the short-time correlation of MD observables, and refits
    y* = ŷ + r*.  The bootstrap standard deviation (ddof = 1) of each
    parameter over the successful refits is its uncertainty
    (Künsch, Ann. Statist. 17, 1217 (1989)).

    Parameters
    ----------
    t
        Times, shape (n,), in time order (units as ``fit_fn`` expects, ps).
    y
        Observable, shape (n,).
    fit_fn
        ``fit_fn(t, y) -> (params: Mapping[str, float], y_fit: array (n,))``,
        e.g. :func:`growth_fit_fn`.
    n_boot
        Number of replicates (>= 2).
    block_len
        Block length in points, 1 <= L <= n; default round(n^(1/3)).
    seed
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    pandas.DataFrame
        One row per parameter: ``param``, ``value`` (fit to the data),
        ``boot_mean``, ``boot_std``, ``n_boot_ok`` (refits that succeeded;
        failed refits, i.e. ValueError/RuntimeError, are dropped).

    Raises
    ------
    ValueError
        On bad shapes, non-finite data, n < 3, n_boot < 2, a bad block
        length or a ``fit_fn`` returning a curve of the wrong shape.
    RuntimeError
        If fewer than 2 refits succeed.
    """
    tt = np.asarray(t, dtype=float)
    yy = np.asarray(y, dtype=float)
    if tt.ndim != 1 or tt.shape != yy.shape:
        raise ValueError(f"t and y must be 1-D arrays of equal length, got {tt.shape}, {yy.shape}")
    if not (np.all(np.isfinite(tt)) and np.all(np.isfinite(yy))):
        raise ValueError("t and y must be finite")
    n = tt.size
    if n < 3:
        raise ValueError(f"need at least 3 points, got {n}")
    if int(n_boot) < 2:
        raise ValueError("n_boot must be >= 2")
    L = max(1, int(round(n ** (1.0 / 3.0)))) if block_len is None else int(block_len)
    if not 1 <= L <= n:
        raise ValueError(f"block_len must be in [1, {n}], got {block_len}")
    order = np.argsort(tt, kind="stable")
    tt, yy = tt[order], yy[order]

    params0, y_fit = fit_fn(tt, yy)
    y_fit = np.asarray(y_fit, dtype=float)
    if y_fit.shape != (n,):
        raise ValueError(f"fit_fn must return a fitted curve of shape ({n},), got {y_fit.shape}")
    names = list(params0)
    resid = yy - y_fit
    rng = np.random.default_rng(seed)
    n_blocks = math.ceil(n / L)
    starts = rng.integers(0, n - L + 1, size=(int(n_boot), n_blocks))
    idx = (starts[:, :, None] + np.arange(L)).reshape(int(n_boot), -1)[:, :n]
    samples = []
    for b in range(int(n_boot)):
        try:
            p, _ = fit_fn(tt, y_fit + resid[idx[b]])
        except (ValueError, RuntimeError):
            continue
        samples.append([float(p[k]) for k in names])
    if len(samples) < 2:
        raise RuntimeError(f"only {len(samples)} bootstrap refits succeeded")
    s = np.asarray(samples)
    return pd.DataFrame(
        {
            "param": names,
            "value": [float(params0[k]) for k in names],
            "boot_mean": s.mean(axis=0),
            "boot_std": s.std(axis=0, ddof=1),
            "n_boot_ok": len(samples),
        }
    )


def combine_replicas(replicas: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """Mean ± standard error over independent replicas (e.g. velocity seeds).

    For every numeric entry (bool and non-numeric entries such as labels are
    skipped) the finite values over replicas give mean, sample standard
    deviation s (ddof = 1) and standard error s / √n.

    Parameters
    ----------
    replicas
        One mapping per replica, e.g. a fit row or ``{"k": ..., "r2": ...}``.

    Returns
    -------
    pandas.DataFrame
        One row per quantity (order of first appearance): ``quantity``,
        ``mean``, ``sem``, ``std``, ``n`` (replicas with a finite value;
        ``sem``/``std`` NaN when n < 2).

    Raises
    ------
    ValueError
        If ``replicas`` is empty or holds no numeric entry.
    """
    reps = list(replicas)
    if not reps:
        raise ValueError("replicas must not be empty")
    keys: list[str] = []
    for r in reps:
        for k, v in r.items():
            if (
                k not in keys
                and isinstance(v, (int, float, np.integer, np.floating))
                and not isinstance(v, (bool, np.bool_))
            ):
                keys.append(k)
    if not keys:
        raise ValueError("replicas hold no numeric entries")
    rows = []
    for k in keys:
        vals = []
        for r in reps:
            v = r.get(k)
            if (
                isinstance(v, (int, float, np.integer, np.floating))
                and not isinstance(v, (bool, np.bool_))
                and np.isfinite(v)
            ):
                vals.append(float(v))
        v = np.asarray(vals)
        n = v.size
        mean = float(v.mean()) if n else float("nan")
        std = float(v.std(ddof=1)) if n >= 2 else float("nan")
        rows.append(
            {
                "quantity": k,
                "mean": mean,
                "sem": std / math.sqrt(n) if n >= 2 else float("nan"),
                "std": std,
                "n": n,
            }
        )
    return pd.DataFrame(rows, columns=["quantity", "mean", "sem", "std", "n"])


def fit_crystalline_share(t_ps, c, t_min_ps: float = 0.0) -> pd.DataFrame:
    """Fit the crystalline share c(t) with √t and linear laws [paper 004, Fig. 4].

    c = a + b √t (diffusion-limited growth, 300–350 K in paper 004) and
    c = a + b t (interface-limited, 400 K), each by ordinary least squares
    (:func:`scipy.stats.linregress`) on points with t >= ``t_min_ps``
    (crystallisation starts after ≈10 ps in paper 004; use ``t_min_ps`` to
    leave out the incubation).  The reduced fraction α(t) = a + b ln t
    [paper 004, Fig. 2] is fitted with :func:`seiflow.analysis.sei_formation.fit_log_time`.

    Parameters
    ----------
    t_ps
        Times, shape (n,), ps (>= 0).
    c
        Crystalline share, shape (n,) (fraction or %, returned in the same
        units).
    t_min_ps
        Start of the fitted window, ps.

    Returns
    -------
    pandas.DataFrame
        Rows ``sqrt_t`` and ``linear``: ``law``, ``formula``, ``a``, ``a_err``,
        ``b`` (per ps^(1/2) or per ps), ``b_err`` (1-sigma OLS), ``r2``,
        ``n_points``, ``best`` (True for the higher R²).

    Raises
    ------
    ValueError
        On bad shapes, fewer than 3 usable points, or all times equal.
    """
    tt = np.asarray(t_ps, dtype=float)
    cc = np.asarray(c, dtype=float)
    if tt.ndim != 1 or tt.shape != cc.shape:
        raise ValueError(
            f"t_ps and c must be 1-D arrays of equal length, got {tt.shape}, {cc.shape}"
        )
    ok = np.isfinite(tt) & np.isfinite(cc) & (tt >= max(0.0, float(t_min_ps)))
    tt, cc = tt[ok], cc[ok]
    if tt.size < 3:
        raise ValueError(f"need at least 3 points with t >= {t_min_ps} ps, got {tt.size}")
    if np.ptp(tt) == 0:
        raise ValueError("all times are equal")
    rows = []
    for law, formula, x in (
        ("sqrt_t", "c = a + b t^(1/2)", np.sqrt(tt)),
        ("linear", "c = a + b t", tt),
    ):
        res = stats.linregress(x, cc)
        r2 = float(res.rvalue**2) if np.isfinite(res.rvalue) else float("nan")
        rows.append(
            {
                "law": law,
                "formula": formula,
                "a": float(res.intercept),
                "a_err": float(res.intercept_stderr),
                "b": float(res.slope),
                "b_err": float(res.stderr),
                "r2": r2,
                "n_points": int(tt.size),
            }
        )
    df = pd.DataFrame(rows)
    r2s = df["r2"].to_numpy(dtype=float)
    best = np.zeros(2, dtype=bool)
    if np.isfinite(r2s).any():
        best[int(np.nanargmax(r2s))] = True
    df["best"] = best
    return df


#: Crystalline-share laws of [paper 004, Fig. 4] as fitted by :func:`fit_crystalline_share`:
#: law -> g with c = a + b g(t) (t in ps).
SHARE_LAWS = {"sqrt_t": np.sqrt, "linear": lambda t: t}


def crystalline_share_fits(df: pd.DataFrame, column: str, t_min_ps: float, n_boot: int,
                           seed: int) -> pd.DataFrame:
    """Fit c = a + b √t and c = a + b t per condition [paper 004, Fig. 4] with the
    moving-block bootstrap std of a and b.

    Per condition (velocity-seed replicas pooled): the finite points with t >=
    ``t_min_ps`` are fitted with :func:`fit_crystalline_share`; each law is refitted on
    :func:`block_bootstrap` replicates (least squares of c on √t or t with
    :func:`numpy.polyfit`).  Conditions with fewer than 4 such points are skipped.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``condition``, ``run``, ``time_ps`` (ps) and ``column``.
    column : str
        The share (fraction).
    t_min_ps : float
        Start of the fitted window (ps).
    n_boot : int
        Bootstrap replicates (>= 2).
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        One row per (condition, law): ``condition``, ``n_replicas`` (distinct runs), the
        :func:`fit_crystalline_share` columns, ``a_boot_std``, ``b_boot_std`` and
        ``t_min_ps``; empty (no columns) when no condition has 4 points.

    Raises
    ------
    ValueError
        As :func:`fit_crystalline_share` and :func:`block_bootstrap`.
    """
    rows = []
    for cond, sub in df.groupby("condition", sort=False):
        sub = sub[np.isfinite(sub[column]) & (sub["time_ps"] >= t_min_ps)]
        if len(sub) < 4:
            continue
        t, c = sub["time_ps"].to_numpy(), sub[column].to_numpy()
        fits = fit_crystalline_share(t, c)
        for _, f in fits.iterrows():
            law = f["law"]
            basis = np.sqrt if law == "sqrt_t" else (lambda x: x)

            def fit_fn(tt, yy, basis=basis):
                b, a = np.polyfit(basis(tt), yy, 1)
                return {"a": a, "b": b}, a + b * basis(tt)

            boot = block_bootstrap(t, c, fit_fn, n_boot=n_boot, seed=seed)
            std = dict(zip(boot["param"], boot["boot_std"]))
            rows.append({"condition": cond, "n_replicas": sub["run"].nunique(),
                         **f.to_dict(), "a_boot_std": std.get("a"), "b_boot_std": std.get("b"),
                         "t_min_ps": t_min_ps})
    return pd.DataFrame(rows)


def share_fit_table(df: pd.DataFrame, fits: pd.DataFrame, y: str) -> pd.DataFrame:
    """A share vs time with the fitted crystalline-share laws evaluated at its times
    [paper 004, Fig. 4]: c = a + b √t (``sqrt_t``) and c = a + b t (``linear``).

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``time_ps`` (ps), ``condition`` and ``y`` (share as a fraction).
    fits : pandas.DataFrame
        One row per (condition, law) with ``condition``, ``law`` (a key of
        :data:`SHARE_LAWS`), ``a`` and ``b`` (:func:`fit_crystalline_share` rows with a
        ``condition``).
    y : str
        Column of ``df`` holding the share.

    Returns
    -------
    pandas.DataFrame
        ``time_ps``, ``condition``, ``value`` (the share), ``fit_sqrt_t``, ``fit_linear``
        (the model at ``time_ps``; NaN for conditions without that law), sorted by
        condition and time (stable) with a fresh index.

    Raises
    ------
    ValueError
        A law not in :data:`SHARE_LAWS`.
    KeyError
        A missing column.
    """
    unknown = set(fits["law"]) - set(SHARE_LAWS)
    if unknown:
        raise ValueError(f"share_fit_table: unknown law(s) {sorted(unknown)}")
    data = df[["time_ps", "condition", y]].rename(columns={y: "value"}).copy()
    for law, f in SHARE_LAWS.items():
        data[f"fit_{law}"] = np.nan
        for _, row in fits[fits["law"] == law].iterrows():
            sel = data["condition"] == row["condition"]
            data.loc[sel, f"fit_{law}"] = row["a"] + row["b"] * f(data.loc[sel, "time_ps"])
    return data.sort_values(["condition", "time_ps"], kind="stable").reset_index(drop=True)


def log_time_fit_fn(t, y) -> tuple[dict[str, float], np.ndarray]:
    """Fit function of the reduced fraction α(t) = a + b ln(t / 1 ps) [paper 004, Fig. 2]
    for :func:`block_bootstrap`.

    Parameters
    ----------
    t : array_like, shape (n,)
        Times (ps, > 0).
    y : array_like, shape (n,)
        α (fraction).

    Returns
    -------
    params : dict
        ``a`` (α at t = 1 ps) and ``b`` (per e-fold of t) of
        :func:`seiflow.analysis.sei_formation.fit_log_time`.
    y_fit : numpy.ndarray, shape (n,)
        a + b ln t at ``t``.

    Raises
    ------
    ValueError
        As :func:`seiflow.analysis.sei_formation.fit_log_time`.
    """
    f = fit_log_time(t, y)
    return {"a": f["a"], "b": f["b"]}, f["a"] + f["b"] * np.log(t)


def alpha_fits(df: pd.DataFrame, tmin_ps: float, n_boot: int = 200, seed: int = 0
               ) -> dict[str, dict]:
    """Fit the reduced fraction α = a + b ln t per condition [paper 004, Fig. 2].

    The points with t >= ``tmin_ps`` of every condition label are fitted together (the
    velocity-seed replicas of a condition pooled, in stable time order) with
    :func:`seiflow.analysis.sei_formation.fit_log_time`; the moving-block bootstrap
    (:func:`block_bootstrap` of :func:`log_time_fit_fn`) adds the standard deviations of a
    and b to the covariance errors.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``condition``, ``time_ps`` (ps) and ``alpha`` (fraction).
    tmin_ps : float
        Start of the fitted window (ps).
    n_boot : int
        Bootstrap replicates (>= 2).
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    dict
        Condition label (in order of first appearance) -> the
        :func:`~seiflow.analysis.sei_formation.fit_log_time` dict (``a``, ``b``, ``a_err``,
        ``b_err``, ``r2``, ``n``) plus ``a_boot_std`` and ``b_boot_std`` (None where the
        bootstrap gave no row for the parameter).

    Raises
    ------
    ValueError
        Fewer than 3 usable points of a condition in the window, or bad bootstrap
        arguments (:func:`block_bootstrap`).
    """
    fits = {}
    for label, sub in df.groupby("condition", sort=False):
        sub = sub[sub["time_ps"] >= tmin_ps].sort_values("time_ps", kind="stable")
        t, y = sub["time_ps"].to_numpy(), sub["alpha"].to_numpy()
        fits[label] = fit_log_time(t, y)
        boot = block_bootstrap(t, y, log_time_fit_fn, n_boot=n_boot, seed=seed)
        std = dict(zip(boot["param"], boot["boot_std"]))
        fits[label].update(a_boot_std=std.get("a"), b_boot_std=std.get("b"))
    return fits


def alpha_fit_table(df: pd.DataFrame, fits: Mapping[str, Mapping], fit_tmin_ps: float
                    ) -> pd.DataFrame:
    """Table of the α = a + b ln t fits, one row per condition [paper 004, Fig. 2].

    Parameters
    ----------
    df : pandas.DataFrame
        The fitted data: ``condition``, ``temperature_K`` (K), ``pressure_bar`` (bar),
        ``run`` (one value per velocity-seed replica).
    fits : mapping
        :func:`alpha_fits` output.
    fit_tmin_ps : float
        Start of the fitted window (ps), written to every row.

    Returns
    -------
    pandas.DataFrame
        ``condition``, ``temperature_K`` and ``pressure_bar`` (of the condition's first
        row), ``n_replicas`` (distinct runs), the fit keys, ``fit_tmin_ps``.
    """
    first = df.groupby("condition", sort=False).first()
    table = pd.DataFrame([
        {"condition": c, "temperature_K": first.loc[c, "temperature_K"],
         "pressure_bar": first.loc[c, "pressure_bar"],
         "n_replicas": df.loc[df["condition"] == c, "run"].nunique(), **f}
        for c, f in fits.items()
    ])
    table["fit_tmin_ps"] = fit_tmin_ps
    return table
