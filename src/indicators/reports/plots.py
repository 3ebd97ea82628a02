"""Charts: progress of one indicator against its targets, and a status heatmap across regions.

Colours are fixed per status so every chart and table of a report reads the same way. Chinese
text needs a CJK font: the project depends on ``mplfonts``, which ships Noto Sans CJK SC, and
``use_cjk_font`` registers it with matplotlib's font manager (no system fonts needed).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager

from ..units import unit_of
from ..words.explain import CHART_WORDS, STATUS_LABELS, definition_label
from ..text import wrap_text
from ..safe_text import chart_text

__all__ = ["STATUS_COLORS", "use_cjk_font", "plot_indicator", "status_heatmap", "cjk_font_path",
           "wrap_title"]

STATUS_COLORS = {
    "met": "#1a7f37", "on_track": "#56b870", "at_risk": "#e3a008", "off_track": "#d1242f",
    "missed": "#8b1a1a", "insufficient_data": "#8c959f",
}
_MARKERS = ["D", "s", "^", "v", "P", "X", "*"]


def cjk_font_path() -> Path | None:
    try:
        import mplfonts
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    p = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    return p if p.exists() else None


def use_cjk_font() -> str | None:
    """Register the bundled Noto Sans CJK SC and make it the default sans-serif font."""
    path = cjk_font_path()
    if path is None:
        return None
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    return name


def wrap_title(text: str, ax, fontsize: float) -> str:
    """Break ``text`` into lines that fit the axes' width instead of running off the figure: a
    budget of terminal-like cells from the axes' width in points (a Latin letter is about 0.5 em,
    a Chinese character 1 em, two cells); English breaks between words, Chinese anywhere. The
    result is ready to draw (``chart_text``: no name is read as mathtext)."""
    width_pt = ax.figure.get_figwidth() * 72 * ax.get_position().width
    return chart_text("\n".join(wrap_text(str(text), max(10, int(width_pt / (fontsize * 0.5))))))


def plot_indicator(actuals: pd.DataFrame, assessment: pd.DataFrame, targets: pd.DataFrame, forecasts: pd.DataFrame,
                   indicator_name: str, unit: str, lang: str = "zh", ax=None, parent: tuple | None = None):
    """One chart: actual points (one marker per definition, breaks never joined), the plan's yearly
    targets (conflicting variants drawn distinctly and labelled by clause), the forecast with its
    80% band (dashed when it is a parent region's trend), target years marked in status colour.

    ``parent``: (label, rows) of the parent region's series for context, drawn in grey: on the
    same axis for shares, on its own right-hand axis otherwise (a province's counts dwarf a
    district's)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.8, 3.3), dpi=90)
    words = CHART_WORDS[lang]
    for i, (dfn, g) in enumerate(actuals.groupby("definition", sort=True)):
        g = g.sort_values("year")
        label = words["actual"] + ("" if dfn in ("standard", None) else
                                   words["definition"].format(definition=definition_label(dfn, lang)))
        ax.plot(g["year"], g["value"], marker="o", color=f"C{i}", lw=1.4, ms=5, label=chart_text(label))
    if len(forecasts):
        f = forecasts.sort_values("year")
        proxy = bool(f["proxy"].any()) if "proxy" in f else False
        style = dict(color="#555", lw=1.3, ls="--" if proxy else "-")
        ax.plot(f["year"], f["forecast"], **style, label=words["parent_trend"] if proxy else words["forecast"])
        ax.fill_between(f["year"], f["lo80"], f["hi80"], color="#888", alpha=0.18, label=words["interval"])
    variants = list(dict.fromkeys(targets["clause"].astype(str)))
    for j, clause in enumerate(variants):
        g = targets[targets["clause"].astype(str) == clause]
        ax.scatter(g["year"], g["value"], marker=_MARKERS[j % len(_MARKERS)], s=46, facecolor="none",
                   edgecolor="black", lw=1.2, zorder=4, label=chart_text(words["target"].format(clause=clause)))
    for r in assessment.itertuples():
        ax.scatter([r.year], [r.target], marker="o", s=150, color=STATUS_COLORS.get(r.status, "#999"), alpha=0.35,
                   zorder=3, lw=0)
    values = pd.concat([actuals["value"], targets["value"]]).dropna()
    if len(values) and values.min() >= 0:  # counts and shares: keep zero in view, never a -0.04 axis
        ax.set_ylim(bottom=0, top=max(ax.get_ylim()[1], 1.0))
    # the unit goes in the title: a rotated one-character CJK y-label (个) reads like an arrow
    # a long title wraps to the axes' width instead of being cut at the figure's edge
    title = words["title"].format(name=indicator_name, unit=unit_of(unit).name_in(lang).strip())
    ax.set_title(wrap_title(title, ax, 11), fontsize=11, loc="left")
    ax.grid(alpha=0.3)
    years = pd.concat([actuals["year"], targets["year"], forecasts["year"] if len(forecasts) else actuals["year"]])
    if len(years):
        ax.set_xticks(range(int(years.min()), int(years.max()) + 1, max(1, (int(years.max()) - int(years.min())) // 8 or 1)))
    handles, labels = ax.get_legend_handles_labels()
    if parent is not None and len(parent[1]):
        _draw_parent(ax, parent, unit, handles, labels, years)
    ax.legend(handles, labels, fontsize=7.5, loc="best", frameon=False)
    return ax


def _draw_parent(ax, parent: tuple, unit: str, handles: list, labels: list, years: pd.Series) -> None:
    """The parent region's series in grey: on the same axis for shares and ratios, on its own
    right-hand axis for levels (a province's counts dwarf a district's)."""
    label, rows = parent
    rows = rows.sort_values("year")
    other = ax.twinx() if unit_of(unit).relative else ax
    line, = other.plot(rows["year"], rows["value"], color="#9aa0a6", lw=1.2, ls=":", marker=".", ms=4,
                       label=chart_text(label), zorder=1)
    if other is not ax:
        other.tick_params(axis="y", colors="#80868b", labelsize=7.5)
        other.set_ylim(bottom=0)
    handles.append(line)
    labels.append(chart_text(label))
    years = pd.concat([years, rows["year"]])
    ax.set_xticks(range(int(years.min()), int(years.max()) + 1,
                        max(1, (int(years.max()) - int(years.min())) // 8 or 1)))


def status_heatmap(table: pd.DataFrame, lang: str = "zh", ax=None):
    """Indicator (rows) x region (columns), each cell the status of its nearest judged target year;
    empty cells are hatched grey "no data" (seaborn draws the grid, the status colours are fixed)."""
    import seaborn as sns
    from matplotlib.colors import BoundaryNorm, ListedColormap

    order = [s for s in STATUS_COLORS if s != "insufficient_data"]
    if ax is None:
        _, ax = plt.subplots(figsize=(3.4 + 0.9 * max(table.shape[1], 1), 1.4 + 0.3 * max(table.shape[0], 1)),
                             dpi=110)
    labels = STATUS_LABELS[lang]
    if table.empty:
        ax.axis("off")
        ax.text(0.5, 0.5, labels["insufficient_data"], ha="center", va="center")
        return ax
    codes = table.apply(lambda c: c.map({s: i for i, s in enumerate(order)})).astype(float)
    # region names on top: long ones (Huancui District) wrap to the cell's width instead of overlapping
    codes.columns = [chart_text("\n".join(wrap_text(str(c), 10))) for c in codes.columns]
    codes.index = [chart_text(i) for i in codes.index]  # every label drawn as written, never as mathtext
    cmap = ListedColormap([STATUS_COLORS[s] for s in order])
    ax.set_facecolor("#eef0f2")
    sns.heatmap(codes, ax=ax, cmap=cmap, norm=BoundaryNorm(np.arange(-0.5, len(order)), cmap.N), cbar=False,
                linewidths=1, linecolor="white", mask=codes.isna())
    ax.patch.set_hatch("///")
    ax.patch.set_edgecolor("#c8ccd0")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", labelsize=9, rotation=0)
    ax.tick_params(axis="y", labelsize=8, rotation=0)
    handles = [plt.Rectangle((0, 0), 1, 1, color=STATUS_COLORS[s]) for s in order]
    handles.append(plt.Rectangle((0, 0), 1, 1, facecolor="#eef0f2", edgecolor="#c8ccd0", hatch="///"))
    ax.legend(handles, [labels[s] for s in order] + [labels["insufficient_data"]], fontsize=8, loc="upper left",
              bbox_to_anchor=(1.02, 1), frameon=False)
    ax.figure.tight_layout()
    return ax
