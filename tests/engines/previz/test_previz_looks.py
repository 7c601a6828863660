"""Characters look like their words; scene texts' named scenery is painted."""

from __future__ import annotations

import numpy as np

from director.engines.previz.figures import draw_figure
from director.engines.previz.looks import HAIR_COLORS, animal_scale, person_looks
from director.engines.previz.scenes import recipe_for
from director.world.scene_kind import choose_scene


def _colour_share(rgba: np.ndarray, colour: tuple[int, int, int], tol: int = 20) -> float:
    rgb = rgba[..., :3].astype(int)
    near = (np.abs(rgb - np.array(colour)).max(axis=-1) <= tol) & (rgba[..., 3] > 200)
    return float(near.mean())


def test_words_set_hair_garments_and_build():
    model = person_looks("A stylish blonde female model in a red coat")
    assert model.hair == HAIR_COLORS["blonde"] and model.long_hair and model.top_kind == "coat"
    assert model.top == (200, 40, 40)
    old = person_looks("an old man in a grey coat and a hat")
    assert old.hair == HAIR_COLORS["grey"] and not old.long_hair and old.hat is not None and old.top == (128, 128, 132)
    woman = person_looks("a tall woman with long red hair in a green dress")
    assert woman.hair == HAIR_COLORS["red"] and woman.top == (50, 140, 60) and woman.top_kind == "dress"
    girl = person_looks("a little girl in a red scarf")
    assert girl.scale < 0.7 and girl.scarf == (200, 40, 40)
    assert person_looks("an old man with a white beard").beard == HAIR_COLORS["white"]
    assert animal_scale("a tiny kitten") < 1 < animal_scale("a huge dog")


def test_two_descriptions_draw_two_different_people():
    a = draw_figure("person", "A stylish blonde female model in a red coat", "front", 0.0, "idle", 120).rgba
    b = draw_figure("person", "an old man in a grey coat", "front", 0.0, "idle", 120).rgba
    assert _colour_share(a, (200, 40, 40)) > 0.05 and _colour_share(b, (200, 40, 40)) == 0.0
    assert _colour_share(a, HAIR_COLORS["blonde"]) > 0.005
    child = draw_figure("person", "a little boy", "front", 0.0, "idle", 120).rgba
    assert child.shape[0] < 0.7 * a.shape[0]


def test_scene_text_details_become_layers():
    names = [layer.name for layer in recipe_for(choose_scene("a sandy beach with big waves and distant cliffs", False)).layers]
    assert "cliffs" in names and "surf" in names
    assert "farmhouse" in [layer.name for layer in recipe_for(choose_scene("an old farmhouse among wheat fields", False)).layers]
    plain = recipe_for(choose_scene("a beach", False))
    assert "cliffs" not in [layer.name for layer in plain.layers]
    depths = [layer.depth for layer in recipe_for(choose_scene("a street market with lamps", False)).layers]
    assert depths == sorted(depths, reverse=True)  # painted far to near
