"""Regenerate the contact sheets in docs/: six frames of real previz output per preset, 320x180 each.

Run from the repository root: ``.venv/bin/python docs/make_contact_sheets.py`` (about a minute on two
cores). The frames are rendered by ``director.sinks.contact_sheet.contact_sheet_for``: exactly the frames
``python -m director render`` would write at those instants, at a smaller size.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from director.sinks.contact_sheet import contact_sheet_for  # noqa: E402
from director.plan.presets import TIMELINES_DIR, load_preset  # noqa: E402

OUT_DIR = Path(__file__).resolve().parent
SIZE = (320, 180)
COLUMNS = 3
MAX_BYTES = 300_000  # keep the repository light
# preset -> six instants (seconds) that show what its directives do
SHEETS: dict[str, tuple[float, ...]] = {
    "paris_1980s_walk": (1, 7, 13, 19, 27, 37),
    "ghibli_girl_and_the_cat": (1, 10, 16, 25, 35, 50),
    "forest_morning_fog": (1, 14, 30, 35, 48, 66),
    "beach_storm_at_dusk": (3, 20, 45, 66, 100, 110),
    "snowy_village_christmas_eve": (5, 27, 44, 65, 135, 142),
    "rainy_afternoon_interior": (1, 9, 14, 19, 30, 39),
}


def main() -> None:
    for name, times in SHEETS.items():
        started = time.perf_counter()
        sheet = contact_sheet_for(load_preset(name), times, SIZE, columns=COLUMNS, base_dir=TIMELINES_DIR)
        path = OUT_DIR / f"contact_sheet_{name}.png"
        sheet.save(path, optimize=True)
        if path.stat().st_size > MAX_BYTES:  # film grain compresses badly: fall back to a 256-colour palette
            sheet.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KB in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
