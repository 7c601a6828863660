"""The roll: a rolled view's level canvas turned into the frame by one bilinear warp, tile by tile.

The canvas (``View.rolled_canvas``) is RGB and OpenCV's bilinear warp has SIMD code for 4 channels, not
for 3 (8 ms against 3.5 ms at 1280x720 on one thread), so the warp goes by way of RGBA. Done on the whole
canvas, that is ~24 MB of memory traffic a frame (a 5 MB RGBA canvas and a 3.7 MB RGBA frame written and
read again) and ~9 MB more held between frames, which evicts the textures the next frame draws from
when the other core is busy. Here the frame is cut into tiles: per tile, the canvas rectangle it reads
is made RGBA, warped into an RGBA tile and converted into the frame, in two scratch buffers small enough
to stay in the core's cache. Alone, in a warm cache, both ways cost the same; in the benchmark's rolled
row under load the whole frame gained ~5 %.

A tile is warped with the matrix moved to its corners, so a sample's fixed-point position can round the
other way now and then: one level on ~1 pixel in 10,000 of the benchmark's rolled frames against the warp of
the whole canvas.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

TILE_WIDTH = 320  # frame pixels per tile: its RGBA source (~360x290) and output fit a core's 1 MB cache
TILE_HEIGHT = 240
SOURCE_MARGIN = 2  # canvas pixels around a tile's source corners: the bilinear neighbour plus rounding


@dataclass(frozen=True)
class _Tile:
    """One frame rectangle, the canvas rectangle its samples read, and the warp between the two."""

    x0: int  # frame columns x0..x1 - 1, rows y0..y1 - 1
    y0: int
    x1: int
    y1: int
    cx0: int  # canvas columns cx0..cx1 - 1, rows cy0..cy1 - 1
    cy0: int
    cx1: int
    cy1: int
    matrix: np.ndarray  # 2x3 from pixels of the canvas rectangle to pixels of the tile


@dataclass
class Roll:
    """The warp of one roll from a canvas of one size into a frame of one size, cut into tiles."""

    matrix: np.ndarray  # 2x3 from canvas pixels to frame pixels (``cv2.getRotationMatrix2D`` moved)
    frame_size: tuple[int, int]  # (width, height)
    canvas_size: tuple[int, int]
    tiles: list[_Tile]
    _source: np.ndarray = field(repr=False)  # uint8 scratch for the largest tile source as RGBA
    _turned: np.ndarray = field(repr=False)  # uint8 scratch for the largest tile as RGBA

    @classmethod
    def make(cls, matrix: np.ndarray, frame_size: tuple[int, int], canvas_size: tuple[int, int],
             tile: tuple[int, int] = (TILE_WIDTH, TILE_HEIGHT)) -> Roll:
        """Cut the frame of ``frame_size`` (width, height) into tiles of at most ``tile`` pixels, each with the
        rectangle of the ``canvas_size`` canvas that ``matrix`` (canvas to frame) brings into it."""
        (fw, fh), (cw, ch) = frame_size, canvas_size
        inv = cv2.invertAffineTransform(np.asarray(matrix, np.float64))
        forward = np.vstack([matrix, [0.0, 0.0, 1.0]])
        tiles = []
        for y0 in range(0, fh, tile[1]):
            for x0 in range(0, fw, tile[0]):
                x1, y1 = min(fw, x0 + tile[0]), min(fh, y0 + tile[1])
                corners = np.array([[x0, x0, x1 - 1, x1 - 1], [y0, y1 - 1, y0, y1 - 1], [1.0, 1.0, 1.0, 1.0]])
                cx, cy = inv @ corners  # where the tile's corner pixels sample the canvas
                cx0 = int(np.clip(np.floor(cx.min()) - SOURCE_MARGIN, 0, cw - 1))
                cy0 = int(np.clip(np.floor(cy.min()) - SOURCE_MARGIN, 0, ch - 1))
                cx1 = int(np.clip(np.floor(cx.max()) + 1 + SOURCE_MARGIN, cx0 + 1, cw))
                cy1 = int(np.clip(np.floor(cy.max()) + 1 + SOURCE_MARGIN, cy0 + 1, ch))
                moved = (np.array([[1.0, 0.0, -x0], [0.0, 1.0, -y0], [0.0, 0.0, 1.0]]) @ forward
                         @ np.array([[1.0, 0.0, cx0], [0.0, 1.0, cy0], [0.0, 0.0, 1.0]]))
                tiles.append(_Tile(x0, y0, x1, y1, cx0, cy0, cx1, cy1, moved[:2].copy()))
        source = max((t.cx1 - t.cx0) * (t.cy1 - t.cy0) for t in tiles)
        turned = max((t.x1 - t.x0) * (t.y1 - t.y0) for t in tiles)
        return cls(np.asarray(matrix, np.float64), (fw, fh), (cw, ch), tiles,
                   np.empty(4 * source, np.uint8), np.empty(4 * turned, np.uint8))

    def apply(self, canvas: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """The frame, RGB uint8 [height, width, 3], of ``canvas`` (RGB uint8 of ``canvas_size``): bilinear,
        edges replicated (they only cover rounding: the canvas covers the frame); into ``out`` if given."""
        fw, fh = self.frame_size
        if canvas.shape != (self.canvas_size[1], self.canvas_size[0], 3):
            raise ValueError(f"roll: a canvas of {canvas.shape} for a roll made for "
                             f"{self.canvas_size[0]}x{self.canvas_size[1]} RGB")
        frame = np.empty((fh, fw, 3), np.uint8) if out is None else out
        for t in self.tiles:
            w, h, sw, sh = t.x1 - t.x0, t.y1 - t.y0, t.cx1 - t.cx0, t.cy1 - t.cy0
            source = self._source[: 4 * sw * sh].reshape(sh, sw, 4)  # one buffer for every tile: it stays cached
            turned = self._turned[: 4 * w * h].reshape(h, w, 4)
            cv2.cvtColor(canvas[t.cy0 : t.cy1, t.cx0 : t.cx1], cv2.COLOR_RGB2RGBA, dst=source)
            cv2.warpAffine(source, t.matrix, (w, h), dst=turned, flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REPLICATE)
            cv2.cvtColor(turned, cv2.COLOR_RGBA2RGB, dst=frame[t.y0 : t.y1, t.x0 : t.x1])
        return frame
