"""Scores of the backtest: accuracy, interval coverage, flag quality, reliability and the goals.

``backtest`` produces the raw forecast errors and flag cases; this module turns them into the tidy
table (one row per section, dataset, model, horizon and metric) and the plain-text report.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..rules import Thresholds
from ..forecast.models import MODELS as REGISTRY

__all__ = ["accuracy_table", "choice_table", "brier_score", "brier_table", "reliability_table", "tidy_reliability",
           "reliability_gap", "status_table", "goals_table", "format_report", "mase", "HORIZONS", "MODELS", "BINS",
           "TIDY_COLUMNS", "GOALS", "FLAG_MODELS", "CALIBRATED", "calibration_goals", "format_calibration"]

HORIZONS = (1, 2, 3)               # years ahead: a plan's targets are typically 1-3 years away
CANDIDATES = tuple(REGISTRY)        # every registered model, forced in turn
MODELS = CANDIDATES + ("ladder",)  # ... and the ladder's own choice
BINS = np.round(np.linspace(0.0, 1.0, 11), 10)
TIDY_COLUMNS = ["section", "dataset", "model", "horizon", "metric", "value", "n"]
GOALS = {"mase_ratio_drift": 0.9, "coverage_low": 0.75, "coverage_high": 0.85, "coverage_h_low": 0.70,
         "coverage_h_high": 0.90, "reliability_gap": 0.10, "reliability_min_n": 50}


def mase(scaled_errors) -> float:
    """Mean absolute scaled error: the mean of |error| / in-sample scale over all forecasts."""
    a = np.asarray(scaled_errors, dtype=float)
    return float(np.mean(a)) if len(a) else math.nan


def accuracy_table(errors: pd.DataFrame) -> pd.DataFrame:
    """MASE, 80% coverage and MASE relative to naive and drift, per dataset, model and horizon.

    Forecasts are pooled over series, origins and (for ``all``) horizons. A candidate exists only
    from a minimum history length (linear 3, loglinear 5, theta 8 consecutive years), so its raw
    MASE is over other cases than drift's; ``mase_ratio_drift`` / ``mase_ratio_naive`` compare on
    exactly the same forecasts (ratio of the summed scaled errors), which is the fair comparison.
    """
    rows = []
    key = ["dataset", "series", "origin", "horizon", "year"]
    for dataset, d in errors.groupby("dataset", sort=True):
        base = {b: d[d["model"] == b].set_index(key)["scaled_error"] for b in ("naive", "drift")}
        for m in [m for m in MODELS + ("pooled",) if m in set(d["model"])]:
            dm = d[d["model"] == m]
            for h in [*HORIZONS, "all"]:
                dh = dm if h == "all" else dm[dm["horizon"] == h]
                if not len(dh):
                    continue
                n = len(dh)
                rows.append((dataset, m, str(h), "mase", mase(dh["scaled_error"]), n))
                rows.append((dataset, m, str(h), "coverage80", float(dh["hit80"].mean()), n))
                own = dh.set_index(key)["scaled_error"]
                for b, ref in base.items():
                    common = own.index.intersection(ref.index)
                    if len(common):
                        ratio = float(own.loc[common].sum() / ref.loc[common].sum())
                        rows.append((dataset, m, str(h), f"mase_ratio_{b}", ratio, len(common)))
    out = pd.DataFrame(rows, columns=["dataset", "model", "horizon", "metric", "value", "n"])
    return out.assign(section="accuracy")[TIDY_COLUMNS]


def choice_table(errors: pd.DataFrame) -> pd.DataFrame:
    """How often the ladder ended on each model (share of its forecasts): what ``ladder`` means."""
    d = errors[errors["model"] == "ladder"]
    rows = []
    for dataset, g in d.groupby("dataset", sort=True):
        counts = g["chosen"].value_counts()
        for m in sorted(counts.index, key=lambda m: (CANDIDATES.index(m) if m in CANDIDATES else 99, m)):
            rows.append(("ladder_choice", dataset, m, "all", "share", float(counts[m] / len(g)), len(g)))
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


# --- flag quality -----------------------------------------------------------------------------

def brier_score(p, outcome) -> float:
    """Mean squared difference between probability and outcome (0 perfect, 0.25 a constant 0.5)."""
    p, o = np.asarray(p, dtype=float), np.asarray(outcome, dtype=float)
    return float(np.mean((p - o) ** 2)) if len(p) else math.nan


FLAG_MODELS = ("ladder", "latest", "weighted_trend")


def brier_table(cases: pd.DataFrame) -> pd.DataFrame:
    """Brier score of each flag per horizon (years before the target year) and ambition level."""
    rows = []
    for dataset, d in cases.groupby("dataset", sort=True):
        for h in [*HORIZONS, "all"]:
            dh = d if h == "all" else d[d["horizon"] == h]
            if not len(dh):
                continue
            rows.append(("flags", dataset, "outcome", str(h), "base_rate", float(dh["outcome"].mean()), len(dh)))
            for m in FLAG_MODELS:
                rows.append(("flags", dataset, m, str(h), "brier", brier_score(dh[m], dh["outcome"]), len(dh)))
        for a, da in d.groupby("ambition", sort=True):
            for m in FLAG_MODELS:
                rows.append(("flags_by_ambition", dataset, m, "all", f"brier@{a:g}x",
                             brier_score(da[m], da["outcome"]), len(da)))
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


def reliability_table(p, outcome, bins: np.ndarray = BINS) -> pd.DataFrame:
    """Predicted probability bins against observed frequency (a reliability diagram as a table).

    Bins are [0, 0.1), [0.1, 0.2), ..., [0.9, 1.0]; the last one is closed so p = 1 counts. A
    calibrated flag has observed frequency close to the mean predicted probability in every bin.
    """
    p, o = np.asarray(p, dtype=float), np.asarray(outcome, dtype=float)
    idx = np.clip(np.searchsorted(bins, p, side="right") - 1, 0, len(bins) - 2)
    rows = []
    for b in range(len(bins) - 1):
        sel = idx == b
        n = int(sel.sum())
        rows.append({"bin": f"[{bins[b]:.1f},{bins[b + 1]:.1f}{']' if b == len(bins) - 2 else ')'}",
                     "low": float(bins[b]), "high": float(bins[b + 1]), "n": n,
                     "mean_p": float(p[sel].mean()) if n else math.nan,
                     "observed": float(o[sel].mean()) if n else math.nan})
    return pd.DataFrame(rows)


def tidy_reliability(cases: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for dataset, d in cases.groupby("dataset", sort=True):
        for h in [*HORIZONS, "all"]:
            dh = d if h == "all" else d[d["horizon"] == h]
            for m in FLAG_MODELS:
                for r in reliability_table(dh[m], dh["outcome"]).itertuples():
                    if r.n:
                        rows.append(("reliability", dataset, m, str(h), f"mean_p{r.bin}", r.mean_p, r.n))
                        rows.append(("reliability", dataset, m, str(h), f"observed{r.bin}", r.observed, r.n))
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


def reliability_gap(tidy: pd.DataFrame, dataset: str = "real", horizon: str = "all",
                    min_n: int = GOALS["reliability_min_n"], section: str = "reliability") -> tuple[float, int]:
    """The largest |observed - mean predicted| of the ladder over bins with at least ``min_n``
    cases, and the number of such bins (``section``: ``reliability_origin`` for targets posed at the
    origin)."""
    r = tidy[(tidy["section"] == section) & (tidy["dataset"] == dataset) & (tidy["model"] == "ladder")
             & (tidy["horizon"] == horizon)]
    mean_p = r[r["metric"].str.startswith("mean_p")].assign(bin=lambda x: x["metric"].str[6:]).set_index("bin")
    obs = r[r["metric"].str.startswith("observed")].assign(bin=lambda x: x["metric"].str[8:]).set_index("bin")
    big = mean_p[mean_p["n"] >= min_n].index
    if not len(big):
        return math.nan, 0
    return float((obs.loc[big, "value"] - mean_p.loc[big, "value"]).abs().max()), int(len(big))


def status_table(cases: pd.DataFrame, thresholds: Thresholds = Thresholds()) -> pd.DataFrame:
    """Share of targets met, per status the flag would have shown (on track, at risk, off track).

    The reports show statuses, not probabilities: a useful ``on_track`` is mostly met and a useful
    ``off_track`` mostly missed.
    """
    rows = []
    for dataset, d in cases.groupby("dataset", sort=True):
        for m in FLAG_MODELS:
            status = d[m].map(thresholds.status)
            for s in ("on_track", "at_risk", "off_track"):
                sel = status == s
                if sel.any():
                    rows.append(("flags_status", dataset, m, "all", f"met_share_if_{s}",
                                 float(d.loc[sel, "outcome"].mean()), int(sel.sum())))
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


# --- goals and the whole run ------------------------------------------------------------------

def _pick(tidy: pd.DataFrame, section, dataset, model, horizon, metric):
    r = tidy[(tidy["section"] == section) & (tidy["dataset"] == dataset) & (tidy["model"] == model)
             & (tidy["horizon"] == horizon) & (tidy["metric"] == metric)]
    return (float(r["value"].iloc[0]), int(r["n"].iloc[0])) if len(r) else (math.nan, 0)


def goals_table(tidy: pd.DataFrame) -> pd.DataFrame:
    """The project's goals, each with its figure and 1 (met) or 0 (not met) in ``met_*`` rows.

    * ladder MASE <= 0.9 x drift's on the truncated M3 yearly series (same forecasts);
    * the ladder's 80% intervals cover 75-85% of outcomes (each dataset);
    * the ladder's Brier score is below both simple rules (bundled real series).
    """
    rows = []
    ratio, n = _pick(tidy, "accuracy", "m3", "ladder", "all", "mase_ratio_drift")
    rows += [("goals", "m3", "ladder", "all", "mase_ratio_drift", ratio, n),
             ("goals", "m3", "ladder", "all", "met_mase_ratio_drift<=0.9",
              float(ratio <= GOALS["mase_ratio_drift"]), n)]
    for dataset in sorted(set(tidy.loc[tidy["section"] == "accuracy", "dataset"])):
        cov, n = _pick(tidy, "accuracy", dataset, "ladder", "all", "coverage80")
        rows += [("goals", dataset, "ladder", "all", "coverage80", cov, n),
                 ("goals", dataset, "ladder", "all", "met_coverage80_in_0.75-0.85",
                  float(GOALS["coverage_low"] <= cov <= GOALS["coverage_high"]), n)]
    ratio, n = _pick(tidy, "accuracy", "real", "ladder", "all", "mase_ratio_drift")
    rows += [("goals", "real", "ladder", "all", "mase_ratio_drift", ratio, n),
             ("goals", "real", "ladder", "all", "met_mase_ratio_drift<=0.9", float(ratio <= GOALS["mase_ratio_drift"]), n)]
    for h in HORIZONS:
        cov, n = _pick(tidy, "accuracy", "real", "ladder", str(h), "coverage80")
        rows += [("goals", "real", "ladder", str(h), "coverage80", cov, n),
                 ("goals", "real", "ladder", str(h), "met_coverage80_in_0.70-0.90",
                  float(GOALS["coverage_h_low"] <= cov <= GOALS["coverage_h_high"]), n)]
    gap, nbins = reliability_gap(tidy)
    rows += [("goals", "real", "ladder", "all", "reliability_max_gap", gap, nbins),
             ("goals", "real", "ladder", "all", "met_reliability_gap<=0.10", float(gap <= GOALS["reliability_gap"]),
              nbins)]
    b = {m: _pick(tidy, "flags", "real", m, "all", "brier") for m in FLAG_MODELS}
    rows += [("goals", "real", m, "all", "brier", v, n) for m, (v, n) in b.items()]
    rows.append(("goals", "real", "ladder", "all", "met_brier_below_both_rules",
                 float(b["ladder"][0] < min(b["latest"][0], b["weighted_trend"][0])), b["ladder"][1]))
    for dataset in CALIBRATED:
        if dataset in set(tidy["dataset"]):
            rows += calibration_goals(tidy, dataset)
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


CALIBRATED = ("real_holdout", "real_lopo")  # the calibrated ladder judged on errors it was not fitted on


def calibration_goals(tidy: pd.DataFrame, dataset: str) -> list[tuple]:
    """The calibration's goals on one honest dataset, per horizon 1, 2 and 3: every reliability bin
    with >= 50 cases within 0.10 (targets posed around the outcome, as the ``real`` rows, and, where
    measured, posed at the origin), 80% coverage 0.75-0.85, and (per horizon and pooled) a Brier
    score below both simple rules."""
    rows = []
    for h in [*(str(h) for h in HORIZONS), "all"]:
        if h != "all":
            gap, nbins = reliability_gap(tidy, dataset, h)
            rows += [("goals", dataset, "ladder", h, "reliability_max_gap", gap, nbins),
                     ("goals", dataset, "ladder", h, "met_reliability_gap<=0.10",
                      float(gap <= GOALS["reliability_gap"]), nbins)]
            gap, nbins = reliability_gap(tidy, dataset, h, section="reliability_origin")
            if nbins:
                rows += [("goals", dataset, "ladder", h, "reliability_origin_max_gap", gap, nbins),
                         ("goals", dataset, "ladder", h, "met_reliability_origin_gap<=0.10",
                          float(gap <= GOALS["reliability_gap"]), nbins)]
            cov, n = _pick(tidy, "accuracy", dataset, "ladder", h, "coverage80")
            rows += [("goals", dataset, "ladder", h, "coverage80", cov, n),
                     ("goals", dataset, "ladder", h, "met_coverage80_in_0.75-0.85",
                      float(GOALS["coverage_low"] <= cov <= GOALS["coverage_high"]), n)]
        b = {m: _pick(tidy, "flags", dataset, m, h, "brier") for m in FLAG_MODELS}
        rows += [("goals", dataset, m, h, "brier", v, n) for m, (v, n) in b.items()]
        rows.append(("goals", dataset, "ladder", h, "met_brier_below_both_rules",
                     float(b["ladder"][0] < min(b["latest"][0], b["weighted_trend"][0])), b["ladder"][1]))
    return rows


def format_report(tidy: pd.DataFrame) -> str:
    """The summary tables as plain text (what ``indicators backtest`` prints)."""
    out = []
    acc = tidy[tidy["section"] == "accuracy"]
    for metric, title in (("mase", "MASE (lower is better; 1 = in-sample naive error)"),
                          ("mase_ratio_drift", "MASE relative to drift on the same forecasts"),
                          ("coverage80", "empirical coverage of the 80% interval")):
        t = acc[acc["metric"] == metric].pivot_table(index=["dataset", "model"], columns="horizon", values="value",
                                                     sort=False)
        n = acc[(acc["metric"] == metric) & (acc["horizon"] == "all")].set_index(["dataset", "model"])["n"]
        t = t.assign(n=n)
        out += [f"== accuracy: {title} ==", t.round(3).to_string(), ""]
    ch = tidy[tidy["section"] == "ladder_choice"].pivot_table(index="dataset", columns="model", values="value",
                                                               sort=False)
    out += ["== ladder: share of forecasts by chosen model ==", ch.round(3).to_string(), ""]
    fl = tidy[tidy["section"] == "flags"]
    t = fl.pivot_table(index=["dataset", "model", "metric"], columns="horizon", values="value", sort=False)
    t = t.assign(n=fl[fl["horizon"] == "all"].set_index(["dataset", "model", "metric"])["n"])
    out += ["== flag quality: Brier score by years before the target year (lower is better) ==",
            t.round(4).to_string(), ""]
    fo = tidy[tidy["section"] == "flags_origin"]
    if len(fo):
        t = fo.pivot_table(index=["dataset", "model", "metric"], columns="horizon", values="value", sort=False)
        out += ["== flag quality, targets posed at the origin (a x latest known value): Brier score ==",
                t.round(4).to_string(), ""]
    fa = tidy[tidy["section"] == "flags_by_ambition"]
    out += ["== flag quality: Brier score by ambition (target = a x realised value) ==",
            fa.pivot_table(index="metric", columns="model", values="value", sort=False).round(4).to_string(), ""]
    rel = tidy[(tidy["section"] == "reliability") & (tidy["model"] == "ladder")].copy()
    rel["kind"] = rel["metric"].str.extract(r"^(mean_p|observed)")[0]
    rel["bin"] = rel["metric"].str.replace(r"^(mean_p|observed)", "", regex=True)
    for dataset, rd in rel.groupby("dataset", sort=True):
        r = rd.pivot_table(index=["bin"], columns=["horizon", "kind"], values="value", sort=False)
        counts = rd[rd["kind"] == "observed"].pivot_table(index="bin", columns="horizon", values="n", sort=False)
        counts.columns = pd.MultiIndex.from_tuples([(h, "n") for h in counts.columns])
        r = pd.concat([r, counts], axis=1).sort_index(axis=1, level=0, sort_remaining=False)
        out += [f"== reliability of p_meet ({dataset}): predicted bin vs observed frequency, by horizon ==",
                r.round(3).to_string(), ""]
    st = tidy[tidy["section"] == "flags_status"]
    out += ["== share of targets met by the status shown ==",
            st.set_index(["model", "metric"])[["value", "n"]].round(3).to_string(), ""]
    g = tidy[tidy["section"] == "goals"]
    out += ["== goals ==", g.set_index(["dataset", "model", "horizon", "metric"])[["value", "n"]].round(4).to_string(), ""]
    out += [format_calibration(tidy)]
    return "\n".join(out)


def format_calibration(tidy: pd.DataFrame) -> str:
    """The calibration's goal figures, one line per honest dataset and horizon (what
    ``benchmarks/calibrate.py`` prints after rebuilding the maps)."""
    g = tidy[tidy["section"] == "goals"]
    out = ["== calibrated p_meet and intervals, judged on errors they were not fitted on ==",
           "max gap: largest |observed - predicted| over reliability bins with >= 50 cases, targets posed "
           "around the outcome / at the origin",
           "dataset       h    max gap outcome / origin  coverage80   Brier ladder / latest / trend   "
           "goals met (gap outcome, gap origin, coverage, Brier)"]
    for dataset in CALIBRATED:
        for h in ("1", "2", "3", "all"):
            pick = lambda m, metric: _pick(g, "goals", dataset, m, h, metric)[0]  # noqa: E731
            if math.isnan(pick("ladder", "brier")):
                continue
            met = [pick("ladder", m) for m in ("met_reliability_gap<=0.10", "met_reliability_origin_gap<=0.10",
                                               "met_coverage80_in_0.75-0.85", "met_brier_below_both_rules")]
            marks = " ".join("-" if math.isnan(v) else ("yes" if v else "NO") for v in met)
            gaps = [pick("ladder", "reliability_max_gap"), pick("ladder", "reliability_origin_max_gap")]
            gap_s = " / ".join("-" if math.isnan(v) else f"{v:.3f}" for v in gaps)
            cov = pick("ladder", "coverage80")
            cov_s = "" if math.isnan(cov) else f"{cov:.3f}"
            out.append(f"{dataset:13s} {h:4s} {gap_s:>24s}  {cov_s:>10s}   {pick('ladder', 'brier'):.3f} / "
                       f"{pick('latest', 'brier'):.3f} / {pick('weighted_trend', 'brier'):.3f}"
                       f"          {marks}")
    return "\n".join(out) + "\n"
