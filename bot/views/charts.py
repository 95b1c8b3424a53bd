"""Pictures drawn with matplotlib: a canvas in pixels, text measured and kept safe, PNG
bytes that are the same for the same input.

The team heatmap (:mod:`bot.views.team_heatmap`) and a person's progress chart
(:mod:`bot.views.progress_chart`) are drawn here rather than by hand with Pillow: text is
laid out, rotated and measured by a kept library, in a font shipped with it that has
French accents (DejaVu Sans), whatever fonts the machine has. Choices that keep the
pictures safe and reproducible:

* **Agg, never a display**: :class:`~matplotlib.figure.Figure` with its Agg canvas, no
  ``pyplot`` (no global figure, no GUI back end chosen from the environment).
* **Imported on first use**: matplotlib takes a few hundred milliseconds to import; only a
  request that draws pays it, not the start of every process.
* **Text is only text**: a person's name ``$\\frac{`` is drawn as typed, never read as
  mathtext (``parse_math=False``); line breaks and tabs become spaces; too long, it ends
  with "…" within its width.
* **Deterministic**: fixed settings (not the user's ``matplotlibrc``), no ``Software``
  or date in the PNG: the same input gives the same bytes.
* **One picture at a time**: matplotlib's font cache and text layout are shared by the
  process, so drawing is serialised by a lock (the workers are threads).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

DPI = 100  # one point of the canvas is one pixel of the PNG
FONT = "DejaVu Sans"  # shipped with matplotlib: Latin with accents, arrows, "…"
ELLIPSIS = "…"
Colour = tuple[int, int, int]

_LOCK = threading.Lock()
SETTINGS: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "text.usetex": False,
    "text.antialiased": True,
    "axes.unicode_minus": True,
    "path.simplify": False,
    "svg.hashsalt": "palier",
}


def rgb(colour: Colour) -> tuple[float, float, float]:
    """A colour in 0–255 as matplotlib takes it (0–1)."""
    red, green, blue = colour
    return red / 255, green / 255, blue / 255


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and tabs are spaces, runs of them one."""
    return " ".join(text.split())


@dataclass
class Canvas:
    """A picture of ``width`` × ``height`` pixels whose axes count in pixels from the top
    left, and what measures its text."""

    figure: Figure
    axes: Axes
    agg: FigureCanvasAgg
    renderer: Any  # RendererAgg, whose measuring methods are not typed
    width: int
    height: int

    def measure(self, text: str, size: float, *, bold: bool = False) -> float:
        """Width in pixels of ``text`` in the picture's font at ``size`` points."""
        from matplotlib.font_manager import FontProperties

        properties = FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")
        width, _height, _descent = self.renderer.get_text_width_height_descent(
            text, properties, ismath=False
        )
        return float(width)

    def fit(self, text: str, width: float, size: float, *, bold: bool = False) -> str:
        """``text`` on one line, shortened with "…" to ``width`` pixels."""
        text = one_line(text)
        if self.measure(text, size, bold=bold) <= width:
            return text
        low, high = 0, len(text)  # the longest prefix that fits with the ellipsis
        while low < high:
            middle = (low + high + 1) // 2
            if self.measure(text[:middle].rstrip() + ELLIPSIS, size, bold=bold) <= width:
                low = middle
            else:
                high = middle - 1
        return text[:low].rstrip() + ELLIPSIS

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float,
        colour: Colour = (33, 37, 41),
        bold: bool = False,
        width: float | None = None,
        align: str = "left",
        valign: str = "center",
        rotation: float = 0,
    ) -> None:
        """``text`` at (x, y), as typed (never mathtext), shortened to ``width`` if given."""
        shown = self.fit(text, width, size, bold=bold) if width is not None else one_line(text)
        self.axes.text(
            x,
            y,
            shown,
            fontsize=size,
            fontweight="bold" if bold else "normal",
            color=rgb(colour),
            ha=align,
            va=valign,
            rotation=rotation,
            rotation_mode="anchor",
            parse_math=False,
            usetex=False,
        )


@contextmanager
def canvas(width: int, height: int) -> Iterator[Canvas]:
    """A white picture of ``width`` × ``height`` pixels to draw on, one at a time."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _LOCK, matplotlib.rc_context(cast(Any, SETTINGS)):
        figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor="white")
        agg = FigureCanvasAgg(figure)
        axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
        axes.set_xlim(0, width)
        axes.set_ylim(height, 0)
        axes.set_axis_off()
        renderer = cast(Any, agg).get_renderer()
        yield Canvas(figure, axes, agg, renderer, width, height)


def png(drawn: Canvas) -> bytes:
    """The picture as PNG bytes, RGB (a white page has no use for transparency): exactly
    its size, and nothing in it that changes from one run to the next — Pillow writes the
    pixels Agg drew, with no text chunk (no ``Software``, no date)."""
    from PIL import Image

    agg: Any = drawn.agg  # its buffer's methods are not typed
    agg.draw()
    width, height = agg.get_width_height()
    rgba = Image.frombuffer("RGBA", (width, height), bytes(agg.buffer_rgba()))
    out = io.BytesIO()
    rgba.convert("RGB").save(out, format="PNG")
    return out.getvalue()
