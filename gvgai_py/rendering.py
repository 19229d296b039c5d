"""Pixel rendering: every sprite drawn as a small numpy-made tile at its pixel position.

Frames are RGB ``uint8`` arrays of shape ``(rows * block, cols * block, 3)`` (block size 10, so a
Zelda level is 90x130). Sprites are stacked in SpriteSet order (type id order): a type defined
later covers an earlier one, whether it moves or not, so a sword on a Zelda wall stays hidden
under the wall as in GVGAI. Cells without sprites, and the padding of a frame larger than its
level, are black.

A tile is a *glyph* (a small picture of shade codes, :data:`GLYPHS`) painted in one colour.
:data:`STYLES` picks the glyph and colour of each type of the eleven games; a type without an
entry gets a glyph from its sprite class and a colour from its name (:func:`tile_style`), so a
new game (``gvgai/VGDL-v0``) draws without any table. Types whose class is oriented (the Zelda
and Boulderdash avatars, the Solarfox ship, the Zelda sword, the Aliens aliens) are drawn turned
towards their facing. No image files are used.

:class:`Renderer` keeps the static sprites in a layer that it updates cell by cell, and draws the
moving sprites over it only when something changed; :class:`Window` shows frames in a pygame
window with a status line (``render_mode="human"`` and ``gvgai play``).
"""

from __future__ import annotations

import colorsys
import os
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

if TYPE_CHECKING:
    from gvgai_py.engine import Game
    from gvgai_py.engine.compiler import CompiledGame, SpriteType

# pygame greets on import; that line would pollute the output of scripts and the CLI.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

Colour = tuple[int, int, int]
Look = tuple[int, int, int]
"""Which tile a sprite is drawn with: (type id, facing x, facing y), facing (0, 0) for types
drawn the same in every direction."""
Box = tuple[int, int, int, int]
"""A pixel rectangle (x0, y0, x1, y1), x1 and y1 excluded."""
MANY_SPRITES = 6
"""Sprites with the same tile from which drawing them together (by runs) pays."""

CLEAR, BASE, DARK, LIGHT, SHADE = range(5)
"""Shade codes of a glyph pixel: clear, the style's colour, darker, lighter, slightly darker."""
_SHADE_FACTORS = ((0.0, 0.0), (1.0, 0.0), (0.55, 0.0), (0.5, 0.5), (0.8, 0.0))
"""(scale, blend towards white) of each shade code."""


class Style(NamedTuple):
    """How one sprite type looks: a glyph name from :data:`GLYPHS` and its RGB colour."""

    glyph: str
    colour: Colour


class _Grid:
    """Pixel coordinates of one tile: ``i`` rows and ``j`` columns as integers, ``u``
    (rightwards) and ``v`` (downwards) in [-0.5, 0.5] from the tile centre, ``r`` the radius."""

    def __init__(self, block: int) -> None:
        self.i, self.j = np.mgrid[0:block, 0:block]
        self.u = (self.j + 0.5) / block - 0.5
        self.v = (self.i + 0.5) / block - 0.5
        self.r = np.hypot(self.u, self.v)
        self.block = block


def _paint(g: _Grid, *layers: tuple[int, np.ndarray | bool]) -> np.ndarray:
    """A glyph from (shade, where) layers painted in order, later layers on top."""
    out = np.zeros((g.block, g.block), dtype=np.int8)
    for shade, where in layers:
        out[np.broadcast_to(where, out.shape)] = shade
    return out


def _ellipse(g: _Grid, cu: float, cv: float, ru: float, rv: float) -> np.ndarray:
    return ((g.u - cu) / ru) ** 2 + ((g.v - cv) / rv) ** 2 < 1


def _box(g: _Grid, u0: float, u1: float, v0: float, v1: float) -> np.ndarray:
    return (g.u > u0) & (g.u < u1) & (g.v > v0) & (g.v < v1)


GLYPHS: dict[str, Callable[[_Grid], np.ndarray]] = {
    # Ground: opaque, so nothing defined earlier shows through.
    "block": lambda g: _paint(g, (BASE, True)),
    "floor": lambda g: _paint(
        g, (BASE, True), (SHADE, (g.i == g.block - 1) | (g.j == g.block - 1))
    ),
    "brick": lambda g: _paint(
        g, (BASE, True),
        (DARK, (g.i % (g.block // 2) == 0)
         | ((g.j == 0) & (g.i < g.block // 2)) | ((g.j == g.block // 2) & (g.i > g.block // 2))),
    ),
    "speckle": lambda g: _paint(
        g, (BASE, True), (SHADE, (g.i * 5 + g.j * 3) % 7 == 0),
        (DARK, (g.i * 3 + g.j * 7) % 11 == 0),
    ),
    "waves": lambda g: _paint(g, (BASE, True), (LIGHT, g.i % 5 == 1 + (g.j // 2) % 2)),
    "road": lambda g: _paint(
        g, (BASE, True), (LIGHT, (g.i == g.block // 2) & (g.j % (g.block // 2) < 2))
    ),
    "door": lambda g: _paint(
        g, (BASE, True), (DARK, (g.i == 0) | (g.j == 0) | (g.j == g.block - 1)),
        (LIGHT, _ellipse(g, 0.22, 0.1, 0.1, 0.1)),
    ),
    # Things on the ground: transparent around their shape.
    "disc": lambda g: _paint(
        g, (DARK, g.r < 0.45), (BASE, g.r < 0.35), (LIGHT, _ellipse(g, -0.12, -0.12, 0.1, 0.1))
    ),
    "dot": lambda g: _paint(g, (BASE, g.r < 0.22), (LIGHT, g.r < 0.1)),
    "ring": lambda g: _paint(g, (BASE, (g.r < 0.45) & (g.r > 0.2)), (LIGHT, g.r < 0.1)),
    "diamond": lambda g: _paint(
        g, (BASE, abs(g.u) + abs(g.v) < 0.48), (LIGHT, abs(g.u) + abs(g.v - 0.1) < 0.2)
    ),
    "key": lambda g: _paint(
        g,
        (BASE, _box(g, -0.5, -0.02, -0.25, 0.25) | _box(g, -0.05, 0.45, -0.08, 0.08)
         | _box(g, 0.15, 0.25, 0, 0.3) | _box(g, 0.35, 0.45, 0, 0.3)),
        (CLEAR, _box(g, -0.35, -0.15, -0.1, 0.1)),
    ),
    "bug": lambda g: _paint(
        g, (DARK, _ellipse(g, 0, 0.05, 0.45, 0.4)), (BASE, _ellipse(g, 0, 0.05, 0.36, 0.3)),
        (LIGHT, _ellipse(g, -0.15, -0.12, 0.1, 0.1) | _ellipse(g, 0.15, -0.12, 0.1, 0.1)),
    ),
    "butterfly": lambda g: _paint(
        g, (BASE, (abs(g.v) < abs(g.u) + 0.1) & (abs(g.u) < 0.48) & (abs(g.v) < 0.45)),
        (LIGHT, _ellipse(g, -0.3, -0.15, 0.1, 0.1) | _ellipse(g, 0.3, -0.15, 0.1, 0.1)),
        (DARK, _box(g, -0.08, 0.08, -0.4, 0.4)),
    ),
    "log": lambda g: _paint(
        g, (BASE, abs(g.v) < 0.35),
        (DARK, (abs(abs(g.v) - 0.15) < 0.06) & ((g.j + 2 * g.i) % 7 < 4)),
    ),
    "car": lambda g: _paint(
        g, (DARK, (abs(g.u) > 0.15) & (abs(g.u) < 0.4) & (abs(g.v) < 0.48)),
        (BASE, _box(g, -0.48, 0.48, -0.32, 0.32)), (LIGHT, _box(g, 0.12, 0.3, -0.22, 0.22)),
    ),
    "frog": lambda g: _paint(
        g, (BASE, _ellipse(g, 0, 0.08, 0.42, 0.36)),
        (LIGHT, _ellipse(g, -0.2, -0.28, 0.13, 0.13) | _ellipse(g, 0.2, -0.28, 0.13, 0.13)),
        (DARK, _ellipse(g, -0.2, -0.28, 0.06, 0.06) | _ellipse(g, 0.2, -0.28, 0.06, 0.06)),
    ),
    "tree": lambda g: _paint(
        g, (DARK, _box(g, -0.1, 0.1, 0.1, 0.5)), (BASE, _ellipse(g, 0, -0.1, 0.45, 0.38)),
        (SHADE, _ellipse(g, 0.12, 0, 0.2, 0.15)),
    ),
    "flag": lambda g: _paint(
        g, (DARK, _box(g, -0.4, -0.28, -0.5, 0.5)), (BASE, _box(g, -0.28, 0.42, -0.45, 0.05)),
    ),
    "spark": lambda g: _paint(
        g, (BASE, ((abs(g.u) < 0.1) | (abs(g.v) < 0.1) | (abs(abs(g.u) - abs(g.v)) < 0.1))
            & (g.r < 0.45)), (LIGHT, g.r < 0.15),
    ),
    "bolt": lambda g: _paint(
        g, (BASE, _box(g, -0.15, 0.15, -0.35, 0.35)), (LIGHT, abs(g.u) < 0.06)
    ),
    "saucer": lambda g: _paint(
        g, (LIGHT, _ellipse(g, 0, -0.08, 0.22, 0.25) & (g.v < -0.05)),
        (BASE, _ellipse(g, 0, 0.08, 0.48, 0.2)), (DARK, (abs(g.v - 0.08) < 0.06) & (g.j % 3 == 1)),
    ),
    "crate": lambda g: _paint(
        g, (DARK, _box(g, -0.48, 0.48, -0.48, 0.48)), (BASE, _box(g, -0.36, 0.36, -0.36, 0.36)),
        (DARK, (abs(abs(g.u) - abs(g.v)) < 0.07) & (abs(g.u) < 0.36)),
    ),
    "portal": lambda g: _paint(
        g, (DARK, g.r < 0.48), (BASE, g.r < 0.4), (DARK, g.r < 0.27), (LIGHT, g.r < 0.14)
    ),
    "turret": lambda g: _paint(
        g, (DARK, _box(g, -0.48, 0.48, 0.2, 0.48)),
        (BASE, _box(g, -0.38, 0.38, 0.25, 0.42) | _ellipse(g, 0, 0.2, 0.26, 0.2)),
        (LIGHT, _box(g, -0.08, 0.08, -0.48, 0.1)),
    ),
    "ghost": lambda g: _paint(
        g, (BASE, (_ellipse(g, 0, -0.05, 0.42, 0.4) & (g.v < 0))
                  | (_box(g, -0.42, 0.42, -0.06, 0.46) & ((g.v < 0.3) | (g.j % 4 < 2)))),
        (LIGHT, _ellipse(g, -0.17, -0.1, 0.12, 0.12) | _ellipse(g, 0.17, -0.1, 0.12, 0.12)),
        (DARK, _ellipse(g, -0.14, -0.1, 0.05, 0.05) | _ellipse(g, 0.2, -0.1, 0.05, 0.05)),
    ),
    "rabbit": lambda g: _paint(
        g, (BASE, _ellipse(g, 0, 0.18, 0.36, 0.28) | _ellipse(g, -0.14, -0.22, 0.08, 0.25)
                  | _ellipse(g, 0.14, -0.22, 0.08, 0.25)),
        (LIGHT, _ellipse(g, 0, 0.25, 0.15, 0.12)),
        (DARK, _ellipse(g, -0.13, 0.08, 0.05, 0.05) | _ellipse(g, 0.13, 0.08, 0.05, 0.05)),
    ),
    # Facing right; oriented types are turned to their facing.
    "alien": lambda g: _paint(
        g, (BASE, _ellipse(g, 0.08, 0, 0.38, 0.3)
                  | (_box(g, -0.48, -0.1, -0.32, 0.32)
                     & ((abs(g.v) < 0.06) | (abs(abs(g.v) - 0.25) < 0.06)))),
        (LIGHT, _ellipse(g, 0.22, 0, 0.11, 0.11)), (DARK, _ellipse(g, 0.25, 0, 0.05, 0.05)),
    ),
    "hero": lambda g: _paint(
        g, (DARK, g.r < 0.48), (BASE, g.r < 0.38),
        (DARK, _ellipse(g, 0.2, -0.17, 0.09, 0.09) | _ellipse(g, 0.2, 0.17, 0.09, 0.09)),
    ),
    "ship": lambda g: _paint(
        g, (BASE, (g.u > -0.45) & (abs(g.v) < (0.48 - g.u) * 0.55)),
        (LIGHT, _ellipse(g, -0.05, 0, 0.12, 0.1)),
    ),
    "sword": lambda g: _paint(
        g, (LIGHT, _box(g, -0.2, 0.48, -0.08, 0.08)), (DARK, _box(g, -0.3, -0.2, -0.3, 0.3)),
        (BASE, _box(g, -0.48, -0.3, -0.08, 0.08)),
    ),
}

CLASS_GLYPHS = {
    "Immovable": "block", "Door": "door", "Passive": "dot", "Resource": "diamond",
    "Missile": "bolt", "RandomNPC": "bug", "Chaser": "ghost", "Fleeing": "rabbit",
    "SpawnPoint": "speckle", "Bomber": "alien", "Portal": "portal", "Flicker": "spark",
    "OrientedFlicker": "sword", "MovingAvatar": "frog", "ShootAvatar": "hero",
    "FlakAvatar": "turret", "OngoingAvatar": "ship",
}
"""Glyph of a type that :data:`STYLES` does not list, by its sprite class (every class of
:data:`gvgai_py.engine.sprites.SPRITE_CLASSES`); an oriented class's glyph faces right."""

STYLES: dict[str, dict[str, Style]] = {
    "zelda": {
        "floor": Style("floor", (196, 178, 140)),
        "goal": Style("door", (150, 90, 40)),
        "key": Style("key", (250, 205, 40)),
        "sword": Style("sword", (215, 230, 245)),
        "nokey": Style("hero", (40, 150, 70)),
        "withkey": Style("hero", (250, 205, 40)),
        "monsterQuick": Style("bug", (225, 60, 50)),
        "monsterNormal": Style("bug", (200, 70, 200)),
        "monsterSlow": Style("bug", (110, 70, 220)),
        "wall": Style("brick", (105, 80, 65)),
    },
    "frogs": {
        "grass": Style("speckle", (90, 170, 70)),
        "highway": Style("road", (70, 70, 78)),
        # The log spawners sit in the river and are drawn as water (GVGAI's frogs game gives
        # them a water image), a darker blue where logs come from more often.
        "forestDense": Style("waves", (30, 75, 175)),
        "forestSparse": Style("waves", (35, 85, 190)),
        "water": Style("waves", (40, 95, 200)),
        "goal": Style("flag", (250, 215, 50)),
        "log": Style("log", (140, 90, 45)),
        "fastRtruck": Style("car", (230, 60, 50)),
        "slowRtruck": Style("car", (245, 150, 40)),
        "fastLtruck": Style("car", (210, 60, 170)),
        "slowLtruck": Style("car", (170, 120, 235)),
        "avatar": Style("frog", (150, 240, 90)),
        "wall": Style("tree", (20, 70, 30)),
    },
    "boulderdash": {
        "background": Style("floor", (45, 38, 32)),
        "wall": Style("brick", (125, 125, 138)),
        "sword": Style("spark", (235, 235, 245)),
        "dirt": Style("speckle", (145, 98, 58)),
        "exitdoor": Style("door", (60, 200, 220)),
        "diamond": Style("diamond", (110, 235, 250)),
        "boulder": Style("disc", (165, 155, 145)),
        "avatar": Style("hero", (245, 205, 60)),
        "crab": Style("bug", (230, 70, 50)),
        "butterfly": Style("butterfly", (225, 120, 235)),
    },
    "solarfox": {
        "floor": Style("floor", (22, 22, 52)),
        "enemyground": Style("road", (95, 30, 45)),
        "avatar": Style("ship", (80, 220, 250)),
        "powerblib": Style("ring", (250, 165, 40)),
        "powerblibturning": Style("spark", (255, 240, 150)),
        "blib": Style("dot", (250, 230, 80)),
        "top": Style("saucer", (235, 65, 65)),
        "btm": Style("saucer", (235, 65, 165)),
        "upshot": Style("bolt", (255, 150, 70)),
        "downshot": Style("bolt", (255, 90, 90)),
        "res": Style("dot", (128, 128, 128)),
        "wall": Style("brick", (90, 90, 125)),
    },
    "aliens": {
        "wall": Style("brick", (110, 110, 125)),
        "background": Style("floor", (15, 15, 35)),
        "base": Style("brick", (80, 200, 110)),
        "avatar": Style("turret", (120, 230, 120)),
        "sam": Style("bolt", (150, 220, 255)),
        "bomb": Style("bolt", (255, 90, 60)),
        "alienGreen": Style("alien", (110, 235, 90)),
        "alienBlue": Style("alien", (90, 150, 250)),
        "portalSlow": Style("portal", (150, 80, 200)),
        "portalFast": Style("portal", (220, 70, 170)),
    },
    "butterflies": {
        "floor": Style("floor", (110, 175, 80)),
        "cocoon": Style("disc", (235, 225, 190)),
        "avatar": Style("hero", (240, 160, 60)),
        "butterfly": Style("butterfly", (230, 90, 200)),
        "wall": Style("tree", (30, 90, 40)),
    },
    "chase": {
        "floor": Style("floor", (200, 185, 140)),
        "carcass": Style("dot", (130, 40, 40)),
        "angry": Style("ghost", (225, 55, 50)),
        "scared": Style("rabbit", (240, 240, 235)),
        "avatar": Style("hero", (60, 130, 230)),
        "wall": Style("brick", (120, 90, 70)),
    },
    "missilecommand": {
        "floor": Style("floor", (25, 25, 45)),
        "city": Style("brick", (80, 170, 230)),
        "explosion": Style("spark", (255, 190, 60)),
        "avatar": Style("hero", (120, 230, 120)),
        "incoming_slow": Style("bolt", (240, 80, 60)),
        "incoming_fast": Style("bolt", (250, 80, 200)),
        "wall": Style("brick", (100, 100, 115)),
    },
    "portals": {
        "floor": Style("floor", (60, 55, 75)),
        "sitting": Style("bug", (200, 60, 50)),
        "random": Style("bug", (170, 80, 220)),
        "vertical": Style("saucer", (240, 130, 50)),
        "horizontal": Style("saucer", (240, 80, 120)),
        "goal": Style("flag", (250, 215, 50)),
        "entry1": Style("portal", (60, 160, 250)),
        "entry2": Style("portal", (80, 220, 140)),
        "exit1": Style("ring", (60, 160, 250)),
        "exit2": Style("ring", (80, 220, 140)),
        "avatar": Style("hero", (240, 240, 240)),
        "wall": Style("brick", (95, 90, 115)),
    },
    "sokoban": {
        "floor": Style("floor", (170, 160, 140)),
        "hole": Style("disc", (40, 35, 30)),
        "avatar": Style("hero", (60, 150, 230)),
        "box": Style("crate", (190, 130, 60)),
        "wall": Style("brick", (110, 80, 70)),
    },
    "survivezombies": {
        "floor": Style("floor", (120, 110, 90)),
        "flower": Style("spark", (250, 150, 200)),
        "fastHell": Style("portal", (230, 50, 30)),
        "slowHell": Style("portal", (150, 30, 30)),
        "honey": Style("diamond", (250, 190, 40)),
        "avatar": Style("hero", (80, 160, 240)),
        "bee": Style("bug", (250, 220, 50)),
        "zombie": Style("ghost", (110, 190, 90)),
        "wall": Style("brick", (85, 80, 75)),
    },
}
"""Glyph and colour of every sprite type of the eleven games GVGAI's VGDL files describe, by
game and type name (the names of those files)."""

FACINGS = ((1, 0), (0, -1), (-1, 0), (0, 1))
"""RIGHT, UP, LEFT, DOWN: the quarter turns (counter-clockwise) from the right-facing glyph."""


def tile_style(game: str, stype: SpriteType) -> Style:
    """The :data:`STYLES` entry of a type, or one derived from its class and name."""
    listed = STYLES.get(game, {}).get(stype.name)
    if listed is not None:
        return listed
    hue = zlib.crc32(stype.name.encode()) / 2**32
    red, green, blue = colorsys.hsv_to_rgb(hue, 0.65, 0.9)
    return Style(
        CLASS_GLYPHS[stype.sprite_class.name], (int(red * 255), int(green * 255), int(blue * 255))
    )


Runs = dict[int, tuple[np.ndarray, np.ndarray]]
"""A tile's drawn pixels as horizontal runs grouped by length in bytes: ``{length: (offsets,
values)}``, the offset of each run's first byte from the tile's top-left byte, and the run's
bytes ``(runs, length)``. Writing runs through a window view of the frame copies whole runs
at a time, several times faster than writing bytes one by one."""


@dataclass(frozen=True)
class Tile:
    """One pre-rendered tile: ``rgb`` ``(block, block, 3)`` and ``mask`` ``(block, block, 1)``
    of its drawn pixels, ``None`` when it covers the whole cell."""

    rgb: np.ndarray
    mask: np.ndarray | None

    def runs(self, width: int) -> Runs:
        """The drawn pixels as horizontal runs in a C-ordered RGB frame ``width`` pixels wide."""
        size = self.rgb.shape[0]
        drawn = np.ones((size, size), bool) if self.mask is None else self.mask[..., 0]
        found: dict[int, tuple[list[int], list[np.ndarray]]] = {}
        for row in range(size):
            col = 0
            while col < size:
                end = col
                while end < size and drawn[row, end]:
                    end += 1
                if end > col:
                    offsets, values = found.setdefault((end - col) * 3, ([], []))
                    offsets.append((row * width + col) * 3)
                    values.append(self.rgb[row, col:end].ravel())
                col = end + 1
        return {length: (np.array(o), np.array(v)) for length, (o, v) in found.items()}


def make_tile(style: Style, block: int, facing: tuple[int, int] = (1, 0)) -> Tile:
    """Paint a style's glyph at a block size, turned from facing right to ``facing``."""
    glyph = GLYPHS[style.glyph](_Grid(block))
    glyph = np.rot90(glyph, FACINGS.index(facing))
    colour = np.array(style.colour, dtype=np.float64)
    palette = np.array(
        [colour * scale + (255 - colour * scale) * white for scale, white in _SHADE_FACTORS]
    )
    rgb = np.ascontiguousarray(palette[glyph].round().astype(np.uint8))
    drawn = glyph != CLEAR
    return Tile(rgb, None if drawn.all() else drawn[..., None].copy())


def _paste(frame: np.ndarray, tile: Tile, x: int, y: int, box: Box) -> None:
    """Draw ``tile`` with its top-left pixel at (x, y), clipped to ``box``."""
    x0, y0, x1, y1 = box
    size = tile.rgb.shape[0]
    rgb, mask = tile.rgb, tile.mask
    if x0 <= x and y0 <= y and x + size <= x1 and y + size <= y1:
        target = frame[y:y + size, x:x + size]
    else:
        left, top, right, bottom = max(x, x0), max(y, y0), min(x + size, x1), min(y + size, y1)
        if left >= right or top >= bottom:
            return
        target = frame[top:bottom, left:right]
        rgb = rgb[top - y:bottom - y, left - x:right - x]
        if mask is not None:
            mask = mask[top - y:bottom - y, left - x:right - x]
    if mask is None:
        target[...] = rgb
    else:
        np.copyto(target, rgb, where=mask)


class _Canvas:
    """A frame and its static layer (what moving sprites are drawn over), with window views
    for writing tile runs into them (see :data:`Runs`)."""

    def __init__(self, shape: tuple[int, int, int], run_lengths: set[int]) -> None:
        self.frame = np.zeros(shape, np.uint8)
        self.base = np.zeros(shape, np.uint8)
        self.frame_windows = _windows(self.frame, run_lengths)
        self.base_windows = _windows(self.base, run_lengths)


def _windows(image: np.ndarray, lengths: set[int]) -> dict[int, np.ndarray]:
    return {
        length: sliding_window_view(image.reshape(-1), length, writeable=True)
        for length in lengths
    }


def _write_runs(windows: dict[int, np.ndarray], starts: np.ndarray, runs: Runs) -> None:
    """Write a tile's runs at each of ``starts`` (byte offsets of tile top-left corners).
    Where two copies overlap, the later one wins, as numpy assigns repeated indices in order."""
    for length, (offsets, values) in runs.items():
        windows[length][starts[:, None] + offsets] = values


@dataclass
class _Drawn:
    """What a :class:`Renderer`'s canvas shows of a game."""

    static_obs: np.ndarray
    """``state.static_obs`` as drawn in the static layer."""
    static_bytes: bytes
    covered: list[set[int]]
    """For each set of covering types (``Renderer._cover_sets``), the cell keys (row * level
    cols + col) holding one of them."""
    covered_grid: np.ndarray
    """The same as a ``(cover sets, level rows, level cols)`` array."""
    sprites: list[tuple[Look, list[tuple[int, int]]]]
    """The moving sprites in the frame: (tile, [(x, y), ...]) in drawing order."""

    def copy(self) -> _Drawn:
        return _Drawn(
            self.static_obs.copy(), self.static_bytes, [set(cells) for cells in self.covered],
            self.covered_grid.copy(), list(self.sprites),
        )


class Renderer:
    """Draws a running :class:`~gvgai_py.engine.Game` as RGB pixels.

    Args:
        compiled: the game's compiled description (gives the block size and the types).
        size: ``(rows, cols)`` of the frame in cells; a smaller level is drawn in the top-left
            corner and the rest stays black.

    The static sprites (usually most of them) are composed once into a static layer, which
    :meth:`render` updates only in the cells where ``state.static_obs`` changed. When anything
    changed, the frame is that layer with the moving sprites drawn over it in type order, each
    followed by the static types defined after it in the cells it overlaps; otherwise the last
    frame is reused. The first frame of each level layout is kept, so a reset on the same level
    starts from a copy.
    """

    def __init__(self, compiled: CompiledGame, size: tuple[int, int]) -> None:
        self.compiled = compiled
        self.block = block = compiled.block
        self.size = (int(size[0]), int(size[1]))
        self.shape = (self.size[0] * block, self.size[1] * block, 3)
        width = self.shape[1]
        types = compiled.types
        self._tiles: dict[Look, Tile] = {}
        for stype in types:
            style = tile_style(compiled.name, stype)
            if stype.oriented:
                for facing in FACINGS:
                    self._tiles[(stype.tid, *facing)] = make_tile(style, block, facing)
            else:
                self._tiles[(stype.tid, 0, 0)] = make_tile(style, block)
        self._runs = {look: tile.runs(width) for look, tile in self._tiles.items()}
        self._blank_runs = Tile(np.zeros((block, block, 3), np.uint8), None).runs(width)
        lengths = {length for runs in (*self._runs.values(), self._blank_runs) for length in runs}
        self._canvas = _Canvas(self.shape, lengths)
        self._static_tids = tuple(t.tid for t in types if t.static)
        self._oriented = tuple(t.oriented for t in types)
        covers = [tuple(s for s in self._static_tids if s > t.tid) for t in types]
        self._cover_sets = sorted({c for c in covers if c})
        """Each distinct tuple of static types drawn over some moving type."""
        self._cover_index = [self._cover_sets.index(c) if c else None for c in covers]
        self._state: Game | None = None
        self._drawn: _Drawn | None = None
        self._first: tuple[object, _Drawn, np.ndarray, np.ndarray] | None = None
        """(level layout, drawn, frame, static layer) first drawn on the last layout seen."""

    def render(self, state: Game) -> np.ndarray:
        """The current frame of ``state``: a new ``(rows * block, cols * block, 3)`` uint8 array."""
        if state is not self._state:
            self._attach(state)
        drawn, canvas = self._drawn, self._canvas
        static_changed = self._update_static(state, drawn)
        sprites = self._moving_sprites(state)
        if static_changed or sprites != drawn.sprites:
            drawn.sprites = sprites
            self._repaint(state, drawn)
        if self._first is None or self._first[0] is not state.layout:
            self._first = (state.layout, drawn.copy(), canvas.frame.copy(), canvas.base.copy())
        return canvas.frame.copy()

    # ------------------------------------------------------------------ internals
    def _attach(self, state: Game) -> None:
        if state.rows > self.size[0] or state.cols > self.size[1]:
            raise ValueError(
                f"level is {state.rows}x{state.cols} but the frame is {self.size[0]}x{self.size[1]}"
            )
        self._state = state
        canvas = self._canvas
        if self._first is not None and self._first[0] is state.layout:
            _, drawn, frame, base = self._first
            self._drawn = drawn.copy()
            np.copyto(canvas.frame, frame)
            np.copyto(canvas.base, base)
        else:
            nothing = np.zeros_like(state.static_obs)
            self._drawn = _Drawn(
                nothing, nothing.tobytes(), [set() for _ in self._cover_sets],
                np.zeros((len(self._cover_sets), state.rows, state.cols), bool), [],
            )
            canvas.frame.fill(0)
            canvas.base.fill(0)

    def _moving_sprites(self, state: Game) -> list[tuple[Look, list[tuple[int, int]]]]:
        """Positions of the moving sprites (and of static sprites off the cell grid, see
        :class:`~gvgai_py.engine.Game`) that overlap the level, grouped by tile, in drawing
        order (type, then creation)."""
        groups: list[tuple[Look, list[tuple[int, int]]]] = []
        block = self.block
        right, bottom = state.width_px, state.height_px
        for tid, group in enumerate(state.dynamic):
            if not group:
                continue
            if self._oriented[tid]:
                groups += [
                    ((tid, s.dx, s.dy), [(s.x, s.y)])
                    for s in group if -block < s.x < right and -block < s.y < bottom
                ]
                continue
            positions = [
                (s.x, s.y) for s in group if -block < s.x < right and -block < s.y < bottom
            ]
            if positions:
                groups.append(((tid, 0, 0), positions))
        return groups

    def _update_static(self, state: Game, drawn: _Drawn) -> bool:
        """Recompose the static layer in the cells where ``state.static_obs`` changed; whether
        any did."""
        obs = state.static_obs
        now = obs.tobytes()
        if now == drawn.static_bytes:
            return False
        rows, cols = np.nonzero((obs != drawn.static_obs).any(axis=0))
        block, windows = self.block, self._canvas.base_windows
        starts = (rows * block * self.shape[1] + cols * block) * 3
        was_drawn = drawn.static_obs[:, rows, cols].any(axis=0)
        _write_runs(windows, starts[was_drawn], self._blank_runs)
        present = obs[:, rows, cols].astype(bool)
        for tid in self._static_tids:
            here = present[tid]
            if here.any():
                _write_runs(windows, starts[here], self._runs[tid, 0, 0])
        for i, covers in enumerate(self._cover_sets):
            drawn.covered_grid[i, rows, cols] = present[list(covers)].any(axis=0)
            drawn.covered[i] = set(np.flatnonzero(drawn.covered_grid[i]).tolist())
        drawn.static_obs = obs.copy()
        drawn.static_bytes = now
        return True

    def _repaint(self, state: Game, drawn: _Drawn) -> None:
        """The static layer, then every moving sprite, each covered again by the static
        sprites of later types in its cells."""
        frame, block = self._canvas.frame, self.block
        width, height = state.width_px, state.height_px
        frame[:height, :width] = self._canvas.base[:height, :width]
        for look, positions in drawn.sprites:
            cover = self._cover_index[look[0]]
            covered = None if cover is None else drawn.covered[cover]
            if len(positions) >= MANY_SPRITES and self._draw_many(look, positions, state):
                if covered and self._any_covered(drawn.covered_grid[cover], positions):
                    for x, y in positions:
                        self._cover(state, frame, cover, covered, x, y)
                continue
            tile = self._tiles[look]
            rgb, mask = tile.rgb, tile.mask
            for x, y in positions:
                # Inlined _paste for the usual sprite that lies wholly inside the level.
                if 0 <= x <= width - block and 0 <= y <= height - block:
                    if mask is None:
                        frame[y:y + block, x:x + block] = rgb
                    else:
                        np.copyto(frame[y:y + block, x:x + block], rgb, where=mask)
                else:
                    _paste(frame, tile, x, y, (0, 0, width, height))
                if covered:
                    self._cover(state, frame, cover, covered, x, y)

    def _draw_many(self, look: Look, positions: list[tuple[int, int]], state: Game) -> bool:
        """Draw sprites with the same tile in a few numpy assignments if they all lie inside
        the level (else draw nothing and return False)."""
        block = self.block
        xs, ys = [p[0] for p in positions], [p[1] for p in positions]
        if min(xs) < 0 or min(ys) < 0 or max(xs) + block > state.width_px or (
            max(ys) + block > state.height_px
        ):
            return False
        starts = (np.array(ys) * self.shape[1] + np.array(xs)) * 3
        _write_runs(self._canvas.frame_windows, starts, self._runs[look])
        return True

    def _any_covered(self, grid: np.ndarray, positions: list[tuple[int, int]]) -> bool:
        """Whether the box around all ``positions`` holds a covered cell of ``grid``."""
        block = self.block
        xs, ys = [p[0] for p in positions], [p[1] for p in positions]
        rows = slice(min(ys) // block, (max(ys) + block - 1) // block + 1)
        cols = slice(min(xs) // block, (max(xs) + block - 1) // block + 1)
        return bool(grid[rows, cols].any())

    def _cover(
        self, state: Game, frame: np.ndarray, cover: int, covered: set[int], x: int, y: int
    ) -> None:
        """Paste back over a sprite at (x, y) the static sprites of the types in cover set
        ``cover`` found in the cells it overlaps (``covered``: the cells holding any)."""
        keys = state.cell_keys(x, y)
        if covered.isdisjoint(keys):
            return
        block, cols, cells = self.block, state.cols, state.cells
        sprite_box = (max(x, 0), max(y, 0), x + block, y + block)
        for key in keys:
            if key in covered:
                for static in self._cover_sets[cover]:
                    if key in cells[static]:
                        _paste(frame, self._tiles[static, 0, 0], key % cols * block,
                               key // cols * block, sprite_box)


def upscale(frame: np.ndarray, scale: int) -> np.ndarray:
    """A frame enlarged ``scale`` times by repeating pixels (nearest neighbour)."""
    if scale == 1:
        return frame
    return frame.repeat(scale, axis=0).repeat(scale, axis=1)


LABEL_HEIGHT = 16
"""Pixels of the strip that :func:`labelled` adds under a frame."""


def labelled(frame: np.ndarray, label: str) -> np.ndarray:
    """``frame`` (``(height, width, 3)``) with ``label`` written in a black strip under it:
    ``(height + LABEL_HEIGHT, width, 3)``; a label wider than the frame is cut."""
    import pygame

    pygame.font.init()
    text = pygame.font.Font(None, LABEL_HEIGHT + 2).render(label, True, (230, 230, 230), (0, 0, 0))
    pixels = pygame.surfarray.array3d(text).swapaxes(0, 1)[: LABEL_HEIGHT - 1, : frame.shape[1] - 2]
    strip = np.zeros((LABEL_HEIGHT, frame.shape[1], 3), dtype=np.uint8)
    strip[1 : 1 + pixels.shape[0], 2 : 2 + pixels.shape[1]] = pixels
    return np.concatenate([frame, strip])


def side_by_side(frames: Sequence[np.ndarray], gap: int) -> np.ndarray:
    """Frames in one row, top-aligned, ``gap`` black pixels apart."""
    height = max(f.shape[0] for f in frames)
    width = sum(f.shape[1] for f in frames) + gap * (len(frames) - 1)
    sheet = np.zeros((height, width, 3), dtype=np.uint8)
    x = 0
    for frame in frames:
        sheet[: frame.shape[0], x : x + frame.shape[1]] = frame
        x += frame.shape[1] + gap
    return sheet


def save_png(frame: np.ndarray, path: str | Path) -> None:
    """Write an RGB frame as a PNG file (with pygame, which this package depends on)."""
    import pygame

    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"output folder {str(path.parent)!r} does not exist")
    pygame.image.save(pygame.surfarray.make_surface(frame.swapaxes(0, 1)), str(path))


OUTCOME_BANNERS: dict[str, tuple[str, Colour]] = {
    "won": ("You win!", (90, 230, 90)),
    "lost": ("Game over", (240, 80, 70)),
    "timed out": ("Time up", (240, 210, 80)),
}
"""Banner text and colour shown over the frame when an episode has ended, by outcome."""


def status_line(game: str, level: str, score: float, ticks: int) -> str:
    """The text under the frame in a :class:`Window`."""
    return f"{game}   {level}   score {score:g}   tick {ticks}"


class Window:
    """A pygame window showing frames ``scale`` times enlarged, a status line under them and,
    once an episode has ended, a banner with its outcome.

    The display opens on the first :meth:`show` (``SDL_VIDEODRIVER=dummy`` makes it headless).
    :meth:`show` waits so that frames come at most ``fps`` per second (``fps <= 0``: no wait).
    """

    STATUS_HEIGHT = 24

    def __init__(self, title: str, scale: int = 4, fps: float = 15) -> None:
        if scale < 1:
            raise ValueError(f"scale must be at least 1, got {scale}")
        self.title, self.scale, self.fps = title, scale, fps
        self._screen = None
        self._clock = None
        self._fonts: dict[int, object] = {}

    def show(
        self, frame: np.ndarray, status: str, outcome: str | None = None, hint: str = ""
    ) -> None:
        """Display ``frame`` with ``status`` below it and, if ``outcome`` (a key of
        :data:`OUTCOME_BANNERS`) is given, its banner, with ``hint`` in small print."""
        import pygame

        height, width = frame.shape[0] * self.scale, frame.shape[1] * self.scale
        size = (width, height + self.STATUS_HEIGHT)
        if self._screen is None or self._screen.get_size() != size:
            pygame.display.init()
            pygame.font.init()
            pygame.display.set_caption(self.title)
            self._screen = pygame.display.set_mode(size)
            self._clock = pygame.time.Clock()
        screen = self._screen
        image = pygame.surfarray.make_surface(frame.swapaxes(0, 1))
        screen.blit(pygame.transform.scale(image, (width, height)), (0, 0))
        screen.fill((20, 20, 20), pygame.Rect(0, height, width, self.STATUS_HEIGHT))
        self._text(status, 20, (230, 230, 230), (6, height + 4))
        if outcome is not None:
            text, colour = OUTCOME_BANNERS[outcome]
            band = pygame.Surface((width, 64), pygame.SRCALPHA)
            band.fill((0, 0, 0, 190))
            screen.blit(band, (0, height // 2 - 32))
            self._text(text, 40, colour, (width // 2, height // 2 - 10), centred=True)
            self._text(hint, 18, (220, 220, 220), (width // 2, height // 2 + 18), centred=True)
        pygame.display.flip()
        pygame.event.pump()  # keeps the window responsive; events stay queued for the caller
        if self.fps > 0:
            self._clock.tick(self.fps)

    def close(self) -> None:
        if self._screen is not None:
            import pygame

            pygame.display.quit()
            self._screen = None

    def _text(self, text: str, size: int, colour: Colour, at: tuple[int, int], centred=False):
        import pygame

        font = self._fonts.get(size)
        if font is None:
            font = self._fonts[size] = pygame.font.Font(None, size)
        image = font.render(text, True, colour)
        rect = image.get_rect(center=at) if centred else image.get_rect(topleft=at)
        self._screen.blit(image, rect)
