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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL.Image import Image as PILImage

DPI = 100  # one point of the canvas is one pixel of the PNG
FONT = "DejaVu Sans"  # shipped with matplotlib: Latin with accents, arrows, "…"
ELLIPSIS = "…"
Colour = tuple[int, int, int]

_LOCK = threading.Lock()
_ADVANCES: dict[tuple[str, float, bool], float] = {}  # (character, size, bold) → pixels
_MASKS: dict[tuple[str, float], PILImage] = {}  # (short label, size) → its glyphs' coverage
KEPT = 8  # labels up to this length are kept rendered (numbers, averages), others not
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
    # Short labels stamped on the pixels once drawn (see :meth:`stamp`).
    stamps: list[tuple[float, float, str, float, Colour, bool]] = field(default_factory=list)

    def stamp(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float,
        colour: Colour,
        centred: bool = True,
        width: float | None = None,
    ) -> None:
        """A label centred on (x, y), or from x when not ``centred``; shortened to
        ``width`` if given. Hundreds of them (a cell's number, a person's name) would
        cost a text artist each; instead the font (FreeType, as Agg draws text) renders
        each once — a short one once per process — and :func:`png` pastes it on the
        pixels."""
        shown = self.fit(text, width, size) if width is not None else one_line(text)
        self.stamps.append((x, y, shown, size, colour, centred))

    def measure(self, text: str, size: float, *, bold: bool = False) -> float:
        """Width in pixels of ``text`` in the picture's font at ``size`` points, as drawn."""
        from matplotlib.font_manager import FontProperties

        properties = FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")
        width, _height, _descent = self.renderer.get_text_width_height_descent(
            text, properties, ismath=False
        )
        return float(width)

    def _advance(self, char: str, size: float, bold: bool) -> float:
        """One character's width, measured once per process (laying out text is what
        costs: a fit would otherwise lay out every shorter prefix)."""
        key = (char, size, bold)
        found = _ADVANCES.get(key)
        if found is None:
            found = _ADVANCES[key] = self.measure(char, size, bold=bold)
        return found

    def fit(self, text: str, width: float, size: float, *, bold: bool = False) -> str:
        """``text`` on one line, shortened with "…" to ``width`` pixels: cut where the
        characters' widths say, then checked as drawn (kerning can make it wider)."""
        text = one_line(text)
        advances = [self._advance(char, size, bold) for char in text]
        total = sum(advances)
        if total <= width - 4 or (
            total <= width + 4 and self.measure(text, size, bold=bold) <= width
        ):
            return text
        room = width - self._advance(ELLIPSIS, size, bold)
        cut, used = 0, 0.0
        while cut < len(text) and used + advances[cut] <= room:
            used += advances[cut]
            cut += 1
        shown = text[:cut].rstrip() + ELLIPSIS
        while cut > 0 and self.measure(shown, size, bold=bold) > width:
            cut -= 1
            shown = text[:cut].rstrip() + ELLIPSIS
        return shown

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


def _mask(text: str, size: float) -> PILImage:
    """``text``'s glyphs as FreeType covers them (a grey-level mask), rendered once."""
    found = _MASKS.get((text, size))
    if found is None:
        import numpy
        from matplotlib.backends.backend_agg import get_hinting_flag
        from matplotlib.font_manager import FontProperties, findfont, get_font
        from PIL import Image

        font = get_font(findfont(FontProperties(family=FONT, size=size)))
        font.clear()
        font.set_size(size, DPI)
        font.set_text(text, 0.0, flags=cast(Any, get_hinting_flag)())
        font.draw_glyphs_to_bitmap(antialiased=True)
        coverage = numpy.array(font.get_image(), dtype=numpy.uint8)
        found = Image.fromarray(coverage, "L")
        if len(text) <= KEPT:
            _MASKS[(text, size)] = found
    return found


def png(drawn: Canvas) -> bytes:
    """The picture as PNG bytes, RGB (a white page has no use for transparency): exactly
    its size, and nothing in it that changes from one run to the next — Pillow writes the
    pixels Agg drew, and the stamped labels, with no text chunk (no ``Software``, no
    date)."""
    from PIL import Image

    agg: Any = drawn.agg  # its buffer's methods are not typed
    agg.draw()
    width, height = agg.get_width_height()
    picture = Image.frombuffer("RGBA", (width, height), bytes(agg.buffer_rgba())).convert("RGB")
    for x, y, text, size, colour, centred in drawn.stamps:
        if not text:
            continue
        mask = _mask(text, size)
        left = round(x - mask.width / 2) if centred else round(x)
        top = round(y - mask.height / 2)
        picture.paste(colour, (left, top, left + mask.width, top + mask.height), mask)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()
