"""Pixel observations and rendering (``gvgai_py.rendering`` and the env's pixel and render modes).

The incremental :class:`Renderer` is checked against a naive drawing that pastes every sprite
in type order from scratch, on rollouts that cross resets.
"""

from __future__ import annotations

import dataclasses
import functools

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from helpers import (
    NEWER_CLASSES_LEVEL,
    ORIGINAL_LEVELS,
    OUR_LEVELS_DIR,
    level_rows,
    newer_classes_game,
)

from gvgai_py import GAMES, Level, env_id
from gvgai_py.engine import CompiledGame, Game, LevelLayout, registry
from gvgai_py.engine.compiler import SpriteType
from gvgai_py.engine.sprites import SPRITE_CLASSES
from gvgai_py.envs import GVGAIEnv
from gvgai_py.rendering import (
    CLASS_GLYPHS,
    FACINGS,
    GLYPHS,
    STYLES,
    Renderer,
    Style,
    Tile,
    make_tile,
    tile_style,
    upscale,
)
from gvgai_py.vgdl import read_vgdl

VGDL_FILES = ORIGINAL_LEVELS.parent / "vgdl"

ONE_SHIP = """
    wwwwwww
    wb++++w
    w+++++w
    w++A++w
    w+++++w
    wwwwwww
"""
"""A Solarfox level where only the ship moves (the blib keeps the game from being won)."""

SWORD_AT_WALL = """
    wwwww
    wA.gw
    w.+.w
    wwwww
"""


def make(game: str, **kwargs) -> GVGAIEnv:
    if not (OUR_LEVELS_DIR / game / "lvl0.txt").exists():
        pytest.skip(f"levels/{game}/lvl0.txt not written yet")
    return gym.make(env_id(game), disable_env_checker=True, **kwargs).unwrapped


def level0_size(game: str) -> tuple[int, int]:
    """(rows, cols) of our level 0 of ``game``."""
    level = Level.from_file(OUR_LEVELS_DIR / game / "lvl0.txt", game)
    return level.height, level.width


def tiny(game: str, drawing: str, **kwargs) -> GVGAIEnv:
    level = Level.from_string("\n".join(level_rows(drawing)), game)
    return GVGAIEnv(game, level=level, **kwargs)


@functools.cache
def reference_tile(game: str, stype: SpriteType, facing: tuple[int, int]) -> Tile:
    return make_tile(tile_style(game, stype), 10, facing)


def reference_frame(env: GVGAIEnv) -> np.ndarray:
    """Every sprite pasted in type order, then creation order, clipped to the level."""
    compiled, game, block = env.compiled, env.state, env.compiled.block
    rows, cols = env.size
    frame = np.zeros((rows * block, cols * block, 3), np.uint8)
    for stype in compiled.types:
        for sprite in game.sprites(stype.tid):
            facing = (sprite.dx, sprite.dy) if stype.oriented else (1, 0)
            tile = reference_tile(compiled.name, stype, facing)
            mask = np.ones((block, block, 1), bool) if tile.mask is None else tile.mask
            x, y = sprite.x, sprite.y
            x0, y0 = max(x, 0), max(y, 0)
            x1, y1 = min(x + block, game.width_px), min(y + block, game.height_px)
            if x0 < x1 and y0 < y1:
                np.copyto(
                    frame[y0:y1, x0:x1], tile.rgb[y0 - y:y1 - y, x0 - x:x1 - x],
                    where=mask[y0 - y:y1 - y, x0 - x:x1 - x],
                )
    return frame


@pytest.mark.parametrize("game", GAMES)
def test_pixel_observation_is_rgb_ten_pixels_per_cell(game):
    env = make(game, obs_type="pixels")
    obs, _ = env.reset(seed=0)
    rows, cols = level0_size(game)
    assert obs.shape == env.observation_space.shape == (rows * 10, cols * 10, 3)
    assert obs.dtype == np.uint8 and obs in env.observation_space


@pytest.mark.parametrize("game", GAMES)
def test_pixel_environment_passes_gymnasium_check_env(game):
    check_env(make(game, obs_type="pixels", render_mode="rgb_array"), skip_render_check=False)


@pytest.mark.parametrize("game", GAMES)
def test_incremental_frames_match_drawing_every_sprite_from_scratch(game):
    """Across steps and resets (where the first frame of the level is reused), padded."""
    rows, cols = level0_size(game)
    env = make(game, obs_type="pixels", size=(rows + 1, cols + 2))
    obs, _ = env.reset(seed=1)
    actions = np.random.default_rng(1).integers(env.action_space.n, size=150)
    for step, action in enumerate(actions):
        assert np.array_equal(obs, reference_frame(env)), f"step {step}"
        obs, _, terminated, truncated, _ = env.step(int(action) if step % 2 else 0)
        if terminated or truncated:
            obs, _ = env.reset()
    assert not obs[rows * 10:].any() and not obs[:, cols * 10:].any(), "padding stays black"


def test_overlapping_sprites_of_one_type_are_drawn_later_one_on_top():
    """Frogs logs from a spawner overlap the log before; there are enough of them to be
    drawn together, which must keep creation order."""
    env = make("frogs", obs_type="pixels")
    obs, _ = env.reset(seed=0)
    log = env.compiled.leaf_id("log")
    overlaps = 0
    for step in range(40):
        assert np.array_equal(obs, reference_frame(env)), f"step {step}"
        logs = sorted((s.y, s.x) for s in env.state.dynamic[log])
        overlaps += sum(
            a[0] == b[0] and 0 < b[1] - a[1] < 10 for a, b in zip(logs, logs[1:], strict=False)
        )
        obs, *_ = env.step(0)
    assert overlaps, "the level should make logs overlap"


def test_a_one_pixel_move_of_the_ship_changes_only_its_pixels():
    env = tiny("solarfox", ONE_SHIP, obs_type="pixels")
    env.reset(seed=0)
    before, *_ = env.step(0)  # the ship stays put on its first tick (docs/engine.md, "Movement")
    ship = env.state.avatar
    x, y = ship.x, ship.y
    after, *_ = env.step(0)
    assert (ship.x, ship.y) == (x + 1, y)
    changed_rows, changed_cols = np.nonzero((before != after).any(axis=2))
    assert changed_cols.size
    assert changed_rows.min() >= y and changed_rows.max() < y + 10
    assert changed_cols.min() >= x and changed_cols.max() < x + 11


def test_a_type_defined_later_covers_a_moving_sprite():
    """The Zelda sword (defined before the walls) stays hidden in a wall cell."""
    env = tiny("zelda", SWORD_AT_WALL, obs_type="pixels")
    env.reset(seed=0)
    actions = env.get_action_meanings()
    before, *_ = env.step(actions.index("UP"))  # turn towards the wall above
    obs, *_ = env.step(actions.index("USE"))
    swords = env.state.dynamic[env.compiled.leaf_id("sword")]
    assert [(s.x, s.y) for s in swords] == [(10, 0)]
    wall_cell = (slice(0, 10), slice(10, 20))
    assert np.array_equal(obs[wall_cell], before[wall_cell])


def test_the_avatar_shows_its_facing():
    env = tiny("zelda", SWORD_AT_WALL, obs_type="pixels")
    first, _ = env.reset(seed=0)
    actions = env.get_action_meanings()
    turned, *_ = env.step(actions.index("DOWN"))  # turns in place
    avatar = (slice(10, 20), slice(10, 20))
    assert (env.state.avatar.x, env.state.avatar.y) == (10, 10)
    assert not np.array_equal(first[avatar], turned[avatar])


@pytest.mark.parametrize("game", GAMES)
def test_every_type_has_its_own_tile_and_oriented_ones_one_per_facing(game):
    compiled = registry.compiled(GAMES[game])
    assert set(STYLES[game]) == {t.name for t in compiled.types}
    tiles = [make_tile(tile_style(game, t), 10).rgb.tobytes() for t in compiled.types]
    assert len(set(tiles)) == len(tiles)
    for stype in compiled.types:
        if stype.oriented:
            turned = {make_tile(tile_style(game, stype), 10, f).rgb.tobytes() for f in FACINGS}
            assert len(turned) == len(FACINGS), stype.name


def test_a_type_without_a_style_is_drawn_by_its_class_and_name():
    env = tiny("zelda", SWORD_AT_WALL)
    monster = next(t for t in env.compiled.types if t.name == "monsterQuick")
    renamed = dataclasses.replace(monster, name="gargoyle")
    style = tile_style("zelda", renamed)
    assert style.glyph == "bug"  # the RandomNPC glyph
    assert style == tile_style("zelda", renamed), "stable across calls (no salted hash)"
    assert style.colour != STYLES["zelda"]["monsterQuick"].colour


def test_rendering_twice_gives_identical_bytes():
    env = make("boulderdash", render_mode="rgb_array")
    env.reset(seed=3)
    for action in np.random.default_rng(3).integers(env.action_space.n, size=40):
        env.step(int(action))
    game = env.state
    fresh = Renderer(env.compiled, env.size)
    assert fresh.render(game).tobytes() == fresh.render(game).tobytes()
    assert fresh.render(game).tobytes() == env.render().tobytes()


def test_render_scale_enlarges_the_frame_by_whole_pixels():
    small = make("zelda", render_mode="rgb_array")
    large = make("zelda", render_mode="rgb_array", render_scale=3)
    small.reset(seed=0)
    large.reset(seed=0)
    frame = large.render()
    assert frame.shape == (270, 390, 3)
    assert np.array_equal(frame, upscale(small.render(), 3))


def test_a_frame_smaller_than_the_level_is_refused():
    env = tiny("zelda", SWORD_AT_WALL)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="frame is 2x2"):
        Renderer(env.compiled, (2, 2)).render(env.state)


def test_the_first_frame_of_a_level_is_reused_without_mixing_games():
    """Two games on one layout, rendered alternately, each get their own frame."""
    env = make("zelda")
    layout = LevelLayout.from_rows(env.compiled, list(env.level.rows))
    renderer = Renderer(env.compiled, env.size)
    games = [Game(layout, np.random.default_rng(seed)) for seed in (0, 1)]
    for _ in range(30):
        games[0].step("LEFT")
        games[1].step("DOWN")
        for game in games:
            fresh = Renderer(env.compiled, env.size)
            assert np.array_equal(renderer.render(game), fresh.render(game))


def test_record_video_writes_a_file(tmp_path):
    pytest.importorskip("moviepy", reason="RecordVideo needs moviepy: pip install moviepy")
    from gymnasium.wrappers import RecordVideo

    folder = tmp_path / "videos"
    env = RecordVideo(make("frogs", render_mode="rgb_array"), str(folder), disable_logger=True)
    env.reset(seed=0)
    for _ in range(10):
        env.step(0)
    env.close()
    videos = list(folder.glob("*.mp4"))
    assert len(videos) == 1 and videos[0].stat().st_size > 0


def test_the_river_of_frogs_has_no_black_cells():
    """The log spawners at the river's end are water (they were trees on black)."""
    env = make("frogs", obs_type="pixels")
    frame, _ = env.reset(seed=0)
    block = env.compiled.block
    river = [r for r, row in enumerate(env.level.rows) if set(row) <= set("0=12")]
    assert river, env.level.rows
    for r in river:
        band = frame[r * block:(r + 1) * block]
        assert not (band == 0).all(axis=2).any(), f"black pixels in river row {r}"



def test_every_sprite_class_has_a_glyph_and_an_oriented_one_shows_each_facing():
    assert set(CLASS_GLYPHS) == set(SPRITE_CLASSES)
    assert set(CLASS_GLYPHS.values()) <= set(GLYPHS)
    for name, sprite_class in SPRITE_CLASSES.items():
        if sprite_class.oriented:
            style = Style(CLASS_GLYPHS[name], (200, 120, 60))
            turned = {make_tile(style, 10, f).rgb.tobytes() for f in FACINGS}
            assert len(turned) == len(FACINGS), name


def test_a_game_of_the_newer_classes_draws_as_from_scratch_with_a_tile_per_type():
    """FlakAvatar, Bomber (oriented), Chaser, Fleeing and Portal, in a game without styles."""
    description = newer_classes_game()
    level = Level.from_string("\n".join(level_rows(NEWER_CLASSES_LEVEL)), description)
    env = GVGAIEnv(description, level=level, obs_type="pixels")
    assert description.name not in STYLES
    assert {"FlakAvatar", "Bomber", "Chaser", "Fleeing", "Portal"} <= {
        t.sprite_class.name for t in env.compiled.types}
    obs, _ = env.reset(seed=0)
    actions = np.random.default_rng(0).integers(env.action_space.n, size=80)
    for step, action in enumerate(actions):
        assert np.array_equal(obs, reference_frame(env)), f"step {step}"
        obs, _, terminated, truncated, _ = env.step(int(action))
        if terminated or truncated:
            obs, _ = env.reset()
    tiles = [make_tile(tile_style(description.name, t), 10).rgb.tobytes()
             for t in env.compiled.types]
    assert len(set(tiles)) == len(tiles)


@pytest.mark.skipif(not VGDL_FILES.is_dir(), reason=f"GVGAI's VGDL files not in {VGDL_FILES}")
@pytest.mark.parametrize("game", sorted(STYLES))
def test_the_styles_of_a_game_are_those_of_the_types_its_vgdl_file_defines(game):
    compiled = CompiledGame(read_vgdl(VGDL_FILES / f"{game}.txt"))
    assert set(STYLES[game]) == {t.name for t in compiled.types}
