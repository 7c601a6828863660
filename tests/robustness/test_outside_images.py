"""A timeline reads images only from its own folder: ``../``, absolute paths and symlinks out of it
are refused (saying how to allow them), unless the user passes ``--allow-outside-images``."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from director.plan.assets import AssetError, Assets
from director.cli import main as cli_main


@pytest.fixture
def layout(tmp_path):
    """project/timeline.json beside project/inside.png; private/secret.png outside it."""
    project, private = tmp_path / "project", tmp_path / "private"
    project.mkdir()
    (project / "sub").mkdir()
    private.mkdir()
    Image.new("RGB", (8, 8), "red").save(project / "inside.png")
    Image.new("RGB", (8, 8), "blue").save(private / "secret.png")
    (project / "link.png").symlink_to(private / "secret.png")
    return project, private


@pytest.mark.parametrize("key", ["../private/secret.png", "ABS", "link.png", "sub/../../private/secret.png"])
def test_keys_outside_the_folder_are_refused(layout, key):
    project, private = layout
    key = str(private / "secret.png") if key == "ABS" else key
    with pytest.raises(AssetError, match="outside the timeline's folder.*--allow-outside-images"):
        Assets(base_dir=project).image(key)
    assert Assets(base_dir=project, allow_outside=True).image(key)[0, 0, 2] == 255  # blue: it was read


def test_keys_inside_the_folder_still_read(layout):
    project, _ = layout
    assert Assets(base_dir=project).image("inside.png")[0, 0, 0] == 255


def test_a_symlink_loop_is_a_clear_error(layout):
    project, _ = layout
    (project / "loop.png").symlink_to(project / "loop.png")
    with pytest.raises(AssetError, match="loop.png"):
        Assets(base_dir=project).image("loop.png")


def test_cli_flag(layout, capsys):
    project, private = layout
    timeline = {"duration": 1, "width": 64, "height": 36, "world": {"scene": "a street", "style_image": "../private/secret.png"}}
    path = project / "shared.json"
    path.write_text(json.dumps(timeline))
    assert cli_main(["validate", str(path), "--no-embeddings"]) == 1
    assert "--allow-outside-images" in capsys.readouterr().err
    assert cli_main(["validate", str(path), "--no-embeddings", "--allow-outside-images"]) == 0
