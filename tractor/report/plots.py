"""The report's figures, drawn with matplotlib's Agg backend.

Output is byte-for-byte reproducible: the SVG id salt is fixed and the date metadata dropped, so
the same dataset gives the same report. HTML gets SVG inline (text stays text, no fonts or files
to fetch); Markdown gets PNG files, which forums display everywhere.
"""

from __future__ import annotations

import io
import re

from .blocks import Figure
from .stats import ATTEMPT_BUCKETS, Funnel, LabelRates, Matrix

_RC = {"svg.hashsalt": "tractor-report", "svg.fonttype": "none", "font.size": 9,
       "axes.spines.top": False, "axes.spines.right": False}
_SVG_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.DOTALL)


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)  # no pyplot: no global backend switch, no GUI, no figure registry
    return fig


def _export(fig, name: str, alt: str, fmt: str) -> Figure:
    import matplotlib

    with matplotlib.rc_context(_RC):
        buffer = io.BytesIO()
        if fmt == "html":
            fig.savefig(buffer, format="svg", metadata={"Date": None})
            svg = _SVG_PROLOGUE.sub("", buffer.getvalue().decode("utf-8"))
            return Figure(name, svg, b"", alt)
        fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
        return Figure(name, "", buffer.getvalue(), alt)


def _grid_size(rows: int, cols: int) -> tuple[float, float]:
    return max(5.5, 2.5 + 0.55 * cols), max(2.2, 1.2 + 0.4 * rows)


def matrix_figure(matrix: Matrix, fmt: str) -> Figure:
    import numpy as np

    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(*_grid_size(len(matrix.models), len(matrix.parts)))
        ax = fig.add_subplot()
        values = np.full((len(matrix.models), len(matrix.parts)), np.nan)
        for (model, part), cell in matrix.cells.items():
            if cell.rate is not None:
                values[matrix.models.index(model), matrix.parts.index(part)] = cell.rate
        ax.imshow(values, cmap="cividis", vmin=0, vmax=1, aspect="auto")  # readable without red-green vision
        for (model, part), cell in matrix.cells.items():
            text = f"{cell.correct}/{cell.n}" if cell.n else "–"
            light = cell.rate is not None and cell.rate > 0.6  # cividis is light at the top
            ax.text(matrix.parts.index(part), matrix.models.index(model), text, ha="center", va="center", fontsize=8,
                    color="black" if light or cell.rate is None else "white")
        _ticks(ax, matrix.parts, matrix.models)
        ax.set_title("First attempts: correct / judged")
        return _export(fig, "first-attempt-matrix", "model by part matrix of first-attempt correctness", fmt)


def label_heatmap(rates: LabelRates, by: str, fmt: str) -> Figure:
    import numpy as np

    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(*_grid_size(len(rates.rows), len(rates.labels)))
        ax = fig.add_subplot()
        values = np.array([[rates.rate(r, lb) for lb in rates.labels] for r in rates.rows])
        image = ax.imshow(values, cmap="Blues", vmin=0, vmax=max(1.0, float(values.max())), aspect="auto")
        for i, row in enumerate(rates.rows):
            for j, label in enumerate(rates.labels):
                if count := rates.counts.get((row, label), 0):
                    ax.text(j, i, str(count), ha="center", va="center", fontsize=8,
                            color="white" if values[i, j] > 0.6 else "black")
        _ticks(ax, rates.labels, rates.rows, rotate=True)
        fig.colorbar(image, ax=ax, label="per part attempted", shrink=0.8)
        ax.set_title(f"Labels by {by} (cell text: count)")
        return _export(fig, f"labels-by-{by}", f"heatmap of labels by {by}, normalised by parts attempted", fmt)


def attempts_figure(outcome, fmt: str) -> Figure:
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(4.5, 2.6)
        ax = fig.add_subplot()
        counts = [outcome.get(b, 0) for b in ATTEMPT_BUCKETS]
        # Okabe-Ito colours (safe for colour-blind readers) and a hatch per bar: not colour alone
        bars = ax.bar(ATTEMPT_BUCKETS, counts, color=["#009E73", "#56B4E9", "#0072B2", "#D55E00", "#BBBBBB"],
                      edgecolor="black", linewidth=0.5)
        for bar, hatch in zip(bars, ["", "//", "..", "xx", "--"]):
            bar.set_hatch(hatch)
        ax.bar_label(bars)
        ax.set_xlabel("attempt on which the part first became correct")
        ax.set_ylabel("homework parts")
        return _export(fig, "attempts-until-correct", "bar chart of attempts until correct", fmt)


def funnel_figure(funnel: Funnel, fmt: str) -> Figure:
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(4.5, 2.0)
        ax = fig.add_subplot()
        stages = ["refused", "persuaded", "complied"]
        counts = [len(funnel.refused), len(funnel.persuaded), len(funnel.complied)]
        bars = ax.barh(stages[::-1], counts[::-1], color=["#1565c0", "#42a5f5", "#90caf9"][::-1])
        ax.bar_label(bars)
        ax.set_xlabel("transcripts")
        return _export(fig, "refusal-funnel", "refusal funnel: refused, persuaded, complied", fmt)


def _ticks(ax, columns: list[str], rows: list[str], rotate: bool = False) -> None:
    ax.set_xticks(range(len(columns)), columns, rotation=45 if rotate else 0, ha="right" if rotate else "center")
    ax.set_yticks(range(len(rows)), rows)
    ax.spines[:].set_visible(False)
