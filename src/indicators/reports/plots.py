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
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..units import unit_of
from ..words.explain import CHART_WORDS, STATUS_LABELS, definition_label, fmt_num, fmt_target, status_label
from ..text import text_width, wrap_text
from ..safe_text import chart_text

__all__ = ["STATUS_COLORS", "SERIES_COLORS", "use_cjk_font", "plot_indicator", "chart_title", "chart_alt", "png_image",
           "status_heatmap", "heatmap_alt", "cjk_font_path", "wrap_title"]

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


# one colour per breakdown line, none of them a status colour (green, amber, red are verdicts)
SERIES_COLORS = ["#1f5fa8", "#7b4fa6", "#8c564b", "#17899b", "#c0609a", "#4d5a66", "#8a7d14", "#2f3f8f"]
# the forecast statuses a band can carry, least urgent first (a year with two values: the more urgent)
_BAND_STATUSES = ("on_track", "at_risk", "off_track")
_LEGEND_FONT = 7.5


def chart_title(name: str, unit: str, lang: str) -> str:
    """The indicator and its unit once: "培训规模（人日）" already names its unit, "中职学校数量" gets "（个）"."""
    u = unit_of(unit).name_in(lang).strip()
    if not u or f"（{u}）" in name or f"({u})" in name:
        return name
    return CHART_WORDS[lang]["title"].format(name=name, unit=u)


def _rows(frame: pd.DataFrame | None, *cols: str) -> pd.DataFrame:
    """``frame`` with a text ``breakdown`` ("" for the total) and the columns asked for (NaN when absent)."""
    f = pd.DataFrame() if frame is None else frame.copy()
    f["breakdown"] = f["breakdown"].fillna("").astype(str) if "breakdown" in f else ""
    for c in cols:
        if c not in f:
            f[c] = np.nan
    return f


def _band_status(statuses) -> str | None:
    found = [s for s in statuses if s in _BAND_STATUSES]
    return max(found, key=_BAND_STATUSES.index) if found else None


def png_image(fig, alt: str, **savefig):
    """``fig`` as the PNG a notebook embeds (its <img alt> on the published page), the figure closed: the
    one way a chart leaves matplotlib, for the pages, the Word document and the notebooks."""
    import io

    import matplotlib.pyplot as plt
    from IPython.display import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", **savefig)
    plt.close(fig)
    return Image(data=buf.getvalue(), format="png", alt=alt)


def plot_indicator(actuals: pd.DataFrame, assessment: pd.DataFrame, targets: pd.DataFrame, forecasts: pd.DataFrame,
                   indicator_name: str, unit: str, lang: str = "zh", ax=None, parent: tuple | None = None):
    """One chart of one indicator, drawn from what decided its verdicts.

    - ``actuals`` (year, value, definition, breakdown): one line and one legend entry per
      breakdown and definition; a line never joins two breakdowns or a break in definition.
    - ``forecasts`` (year, forecast, lo80, hi80, proxy, breakdown): the median dashed and the 80%
      band to each target year, each stretch coloured by the verdict of the target year it leads to
      (grey where no verdict); the verdict's own interval (``assessment`` lo80/hi80) as a bar there.
    - ``targets`` (year, value, clause, breakdown, optional status and value_high): a marker per
      target, one shape per clause, filled with the verdict's colour (from ``status`` or the
      ``assessment`` row of the same year and value).
    - ``parent``: (legend label, rows[, parent's name, definition]) the parent region's series in
      grey dots on axes of its own: a small panel beside the chart (a province's counts dwarf a
      district's, and a nation's share would squeeze the band that decides the verdict), or a
      labelled right-hand axis when the caller gave ``ax``.

    Counts get whole-number ticks, the unit is named once in the title, the value axis starts at
    zero only when zero is near the data. A figure made here uses matplotlib's constrained layout
    with the legend below the axes, so no label, axis or legend leaves the image."""
    own = ax is None
    has_parent = parent is not None and len(parent[1]) > 0
    panel = None
    if own:
        fig = plt.figure(figsize=(7.6, 3.2), dpi=90, layout="constrained")
        if has_parent:  # the parent's series in a small panel beside, on its own axes
            grid = fig.add_gridspec(1, 2, width_ratios=[3.2, 1])
            ax, panel = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
        else:
            ax = fig.add_subplot()
    words = CHART_WORDS[lang]
    labels_status = STATUS_LABELS[lang]
    act = _rows(actuals, "definition")
    fc = _rows(forecasts, "forecast", "lo80", "hi80", "proxy")
    ver = _rows(assessment, "target", "status", "lo80", "hi80")
    tg = _rows(targets, "value", "clause", "status", "value_high")
    handles: list = []
    # one colour per breakdown, in the order the data give them (the total first)
    breakdowns = sorted(set(act["breakdown"]) | set(fc["breakdown"]), key=lambda b: (b != "", b))
    color = {b: SERIES_COLORS[i % len(SERIES_COLORS)] for i, b in enumerate(breakdowns)}
    act["definition"] = act["definition"].fillna("standard")
    for b in breakdowns:
        for k, (dfn, g) in enumerate(act[act["breakdown"] == b].groupby("definition", sort=True)):
            g = g.sort_values("year")
            label = (b or words["actual"]) + ("" if dfn == "standard" else
                                              words["definition"].format(definition=definition_label(dfn, lang)))
            # a second definition of the same breakdown: its colour, its own dash-dotted line, never joined
            line, = ax.plot(g["year"], g["value"], marker="o", color=color[b], lw=1.5, ms=4.5, ls="-." if k else "-",
                            label=chart_text(label), zorder=4)
            handles.append(line)
    band_statuses: list[str | None] = []
    proxy = False
    for b, path in fc.groupby("breakdown", sort=True):
        path = path.sort_values("year").astype({"year": float, "forecast": float, "lo80": float, "hi80": float})
        if path.empty:
            continue
        proxy = proxy or bool(path["proxy"].fillna(False).astype(bool).any())
        v = ver[(ver["breakdown"] == b) & ver["lo80"].notna()]
        by_year = {int(y): _band_status(g["status"]) for y, g in v.groupby("year")}
        start = path["year"].min()
        for end in sorted([y for y in by_year if start < y <= path["year"].max()]) + [None]:
            seg = path[(path["year"] >= start) & ((path["year"] <= end) if end is not None else True)]
            status = by_year.get(end) if end is not None else None
            if len(seg) >= 2:
                ax.fill_between(seg["year"], seg["lo80"], seg["hi80"], color=STATUS_COLORS.get(status, "#8c959f"),
                                alpha=0.28, lw=0, zorder=1)
                band_statuses.append(status)
            start = end if end is not None else start
        ax.plot(path["year"], path["forecast"], color=color.get(b, "#555"), lw=1.2, ls=(0, (4, 2)), zorder=3)
    for r in ver[ver["lo80"].notna() & ver["hi80"].notna() & ver["status"].isin(_BAND_STATUSES)].itertuples():
        ax.vlines(r.year, r.lo80, r.hi80, color=STATUS_COLORS[r.status], lw=1.8, zorder=2)
    if len(fc):
        drawn = set(fc["breakdown"])
        handles.append(Line2D([], [], color=color[drawn.pop()] if len(drawn) == 1 else "#555", lw=1.2, ls=(0, (4, 2)),
                              label=words["parent_trend"] if proxy else words["forecast"]))
    for status in [s for s in _BAND_STATUSES + (None,) if s in band_statuses]:
        text = words["interval"] if status is None else words["interval_status"].format(status=labels_status[status])
        handles.append(Patch(color=STATUS_COLORS.get(status, "#8c959f"), alpha=0.28, lw=0, label=chart_text(text)))
    _draw_targets(ax, tg, ver, color, lang, handles)
    shown = [act["value"], tg["value"], tg["value_high"], fc["lo80"], fc["hi80"]]
    if has_parent:
        handle = _draw_parent(ax, panel, parent, unit, words)
        if handle is not None:
            handles.append(handle)
    _value_axis(ax, unit, pd.concat(shown))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=10))
    # the unit goes in the title: a rotated one-character CJK y-label (个) reads like an arrow
    # a long title wraps to the axes' width instead of being cut at the figure's edge
    ax.set_title(wrap_title(chart_title(indicator_name, unit, lang), ax, 11), fontsize=11, loc="left")
    ax.grid(alpha=0.3)
    if own:
        _legend_below(ax.figure, handles)
    else:
        ax.legend(handles=handles, fontsize=_LEGEND_FONT, loc="best", frameon=False)
    return ax


def _draw_targets(ax, tg: pd.DataFrame, ver: pd.DataFrame, color: dict, lang: str, handles: list) -> None:
    """A marker per target (one shape per clause), filled with its verdict's colour; a band target
    (1-2 个) as a bar between its ends."""
    if tg.empty:
        return
    words = CHART_WORDS[lang]
    variants = list(dict.fromkeys(tg["clause"].astype(str)))
    status = {(b, int(y), float(t)): s for b, y, t, s in ver[["breakdown", "year", "target", "status"]]
              .dropna(subset=["year", "target"]).itertuples(index=False)}
    marked = []
    for r in tg.itertuples():
        s = r.status if isinstance(r.status, str) else status.get((r.breakdown, int(r.year), float(r.value)))
        marked.append(s)
        edge = color.get(r.breakdown, "black") if r.breakdown else "black"
        if pd.notna(r.value_high) and r.value_high != r.value:
            ax.vlines(r.year, r.value, r.value_high, color=edge, lw=1, zorder=4)
        for v in [r.value] + ([r.value_high] if pd.notna(r.value_high) and r.value_high != r.value else []):
            ax.scatter([r.year], [v], marker=_MARKERS[variants.index(str(r.clause)) % len(_MARKERS)], s=54,
                       facecolor=STATUS_COLORS.get(s, "white") if s != "insufficient_data" else "white",
                       edgecolor=edge, lw=1.3, zorder=5)
    for j, clause in enumerate(variants):
        handles.append(Line2D([], [], ls="none", marker=_MARKERS[j % len(_MARKERS)], ms=7, mfc="white", mec="black",
                              mew=1.2, label=chart_text(words["target"].format(clause=clause))))
    # a met or missed target's fill is not a band's colour: say what it means
    for s in [s for s in ("met", "missed") if s in marked]:
        handles.append(Line2D([], [], ls="none", marker=_MARKERS[0], ms=7, mfc=STATUS_COLORS[s], mec="black", mew=1.2,
                              label=chart_text(STATUS_LABELS[lang][s])))


def _value_axis(ax, unit: str, values: pd.Series, near: float = 0.5) -> None:
    """Whole-number ticks for counts; zero in view when the data come near it (a count from 0 to
    2000), not when they sit far above it (a ratio of 15-20); a share never above 100."""
    u = unit_of(unit)
    values = pd.to_numeric(values, errors="coerce")
    values = values[np.isfinite(values)]
    if u.kind == "count":
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(_tick))
    if not len(values):
        return
    lo, hi = float(values.min()), float(values.max())
    bottom, top = ax.get_ylim()
    if u.nonnegative and lo >= 0:
        bottom = 0.0 if lo <= near * hi or hi == 0 else max(bottom, 0.0)
    top = max(top, hi + 0.05 * (hi - bottom))  # room for a marker at the highest value
    if hi == lo == 0:
        top = 1.0
    if u.is_share and hi <= 100:
        top = min(top, 100.0)
    ax.set_ylim(bottom, top)


def _tick(v: float, _pos=None) -> str:
    """A tick as a planner reads a number: 12,000 not 1.2e4, no 2.0 for a whole number."""
    if abs(v - round(v)) < 1e-9:
        return f"{round(v):,}".replace("-", "−")
    return f"{v:,.10g}".replace("-", "−")


def _legend_below(fig, handles: list) -> None:
    """The legend under the axes in as many columns as its longest label allows, the figure made
    taller by its rows (constrained layout then keeps every part inside the image)."""
    if not handles:
        return
    for h in handles:
        h.set_label("\n".join(wrap_text(h.get_label(), 34)))
    cells = max(max(text_width(line) for line in h.get_label().split("\n")) for h in handles)
    entry_pt = (cells * 0.55 + 5.5) * _LEGEND_FONT  # marker, padding and column spacing in em
    ncols = int(max(1, min(4, len(handles), fig.get_figwidth() * 72 * 0.95 // entry_pt)))
    rows = -(-len(handles) // ncols)
    lines = sum(max(h.get_label().count("\n") + 1 for h in handles[i::rows]) for i in range(rows)) \
        if ncols > 1 else sum(h.get_label().count("\n") + 1 for h in handles)
    fig.set_figheight(fig.get_figheight() + 0.02 + lines * _LEGEND_FONT * 1.45 / 72)
    fig.legend(handles=handles, loc="outside lower left", ncols=ncols, fontsize=_LEGEND_FONT, frameon=False)


def _draw_parent(ax, panel, parent: tuple, unit: str, words: dict):
    """The parent region's series in grey dots on axes of its own, never squeezed into the region's:
    ``panel`` beside the chart, titled with the parent and its definition; without one (the caller
    gave the axes), a right-hand axis labelled with the parent's name, its legend entry saying
    "right axis" (returned; None for the panel)."""
    label, rows, *name = parent
    rows = rows.sort_values("year")
    style = dict(color="#80868b", lw=1.2, ls=":", marker=".", ms=4)
    other = panel if panel is not None else ax.twinx()
    other.plot(rows["year"], rows["value"], **style)
    _value_axis(other, unit, rows["value"])
    if panel is not None:  # "对照：全国" and its definition below it, each wrapped to the panel
        lines = [words["parent_panel"].format(label=name[0] if name else label)] + name[1:2]
        panel.set_title("\n".join(wrap_title(t, panel, 8.5) for t in lines), fontsize=8.5, loc="left",
                        color="#57606a")
        panel.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=3))
        panel.tick_params(labelsize=7.5)
        panel.grid(alpha=0.3)
        return None
    other.set_ylabel(chart_text(name[0] if name else label), color="#80868b", fontsize=8)
    other.tick_params(axis="y", colors="#80868b", labelsize=7.5)
    ax.set_zorder(other.get_zorder() + 1)  # the region's own data drawn over the parent's
    ax.patch.set_visible(False)
    return Line2D([], [], **style, label=chart_text(words["right_axis"].format(label=label)))


def chart_alt(indicator_name: str, unit: str, lang: str, actuals: pd.DataFrame, assessment: pd.DataFrame,
              parent: tuple | None = None) -> str:
    """What the chart of ``plot_indicator`` shows, in words of ``lang`` (the image's alternative
    text): the indicator, the latest actual of each breakdown, each target year's target, verdict
    and the 80% interval that decided it, and the parent series beside it."""
    w = CHART_WORDS[lang]
    act = _rows(actuals, "definition")
    parts = []
    for b, g in act.groupby("breakdown", sort=True):
        last = g.sort_values("year").iloc[-1]
        series = "" if not b else (b if lang == "zh" else f"{b}: ")
        parts.append(w["alt_latest"].format(series=series, value=fmt_target("==", last["value"], unit, lang),
                                            year=int(last["year"])))
    if not parts:
        parts.append(w["alt_no_actual"])
    ver = _rows(assessment, "target", "target_high", "comparator", "status", "lo80", "hi80")
    for r in ver.sort_values(["breakdown", "year"], kind="stable").itertuples():
        text = w["alt_target"].format(
            year=int(r.year), breakdown="" if not r.breakdown else (r.breakdown if lang == "zh" else f" ({r.breakdown})"),
            target=fmt_target(r.comparator if isinstance(r.comparator, str) else "==", r.target, unit, lang,
                              r.target_high), status=status_label(r.status, lang))
        if r.status in _BAND_STATUSES and pd.notna(r.lo80) and pd.notna(r.hi80):
            text += w["alt_interval"].format(lo=fmt_num(r.lo80, unit), hi=fmt_num(r.hi80, unit))
        parts.append(text)
    if parent is not None and len(parent[1]):
        parts.append(w["alt_parent"].format(parent=parent[0]))
    return w["alt_lead"].format(title=chart_title(indicator_name, unit, lang)) + w["alt_sep"].join(parts) + w["alt_end"]


def heatmap_alt(table: pd.DataFrame, lang: str = "zh") -> str:
    """The heatmap of ``status_heatmap`` in words: its size and how many cells have each status."""
    counts = table.stack().value_counts() if not table.empty else pd.Series(dtype=int)
    sep = CHART_WORDS[lang]["alt_sep"]
    said = sep.join(f"{status_label(s, lang)} {int(counts[s])}" for s in STATUS_COLORS if s in counts)
    cells = int(table.size) - int(counts.sum())
    if cells:
        said += (sep if said else "") + f"{status_label('insufficient_data', lang)} {cells}"
    return CHART_WORDS[lang]["heatmap_alt"].format(regions=table.shape[1], indicators=table.shape[0], counts=said)


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
