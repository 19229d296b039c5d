"""The VGDL reader (issue 17, item 1) on small games written in strings: sections, nesting,
parameter types, several second sprites, the defaults, Java's class quirk, and one error with
file:line:col for each kind of problem."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from helpers import level_rows

from gvgai_py.engine import (
    EOS,
    CompiledGame,
    Game,
    LevelLayout,
    MultiSpriteCounter,
    SpriteCounter,
    Timeout,
)
from gvgai_py.engine.effects import EFFECTS
from gvgai_py.vgdl import EFFECT_PARAMETERS, VGDLError, parse_vgdl, read_vgdl

GAME = """
BasicGame square_size=20 key_handler=Pulse
    SpriteSet
        floor > Immovable img=oryx/floor hidden=True
        moving >
            avatar > ShootAvatar stype=slash
            enemy > RandomNPC cons=2 speed=1
                fast > cooldown=1 color=RED
                slow > cooldown=4
        slash > Flicker limit=3 singleton=true
        gem > Resource limit=5
    LevelMapping
        . > floor
        e > floor fast
        s > floor slow
        g > floor gem
        A > floor avatar
    InteractionSet
        moving wall > stepBack   # a comment
        enemy slash > killSprite scoreChange=2
        avatar fast slow > killSprite scoreChange=-1.5
        gem avatar > collectResource
    TerminationSet
        SpriteCounter stype=avatar limit=0 win=False
        MultiSpriteCounter stype1=fast stype2=slow win=True
        Timeout limit=100 win=True
"""


def parse(text: str, name: str = "sandbox"):
    return parse_vgdl(textwrap.dedent(text), name=name)


def error_of(text: str) -> str:
    with pytest.raises(VGDLError) as raised:
        parse(text)
    return str(raised.value)


def with_line(text: str, old: str, new: str) -> str:
    """``text`` with one line's ``old`` part replaced (the line must exist)."""
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, part: str) -> int:
    """1-based number of the line of dedented ``text`` that contains ``part``."""
    return next(
        n for n, line in enumerate(textwrap.dedent(text).split("\n"), 1) if part in line
    )


def col_of(text: str, line_part: str, part: str) -> int:
    """1-based column of ``part`` in the line that contains ``line_part``."""
    line = textwrap.dedent(text).split("\n")[line_of(text, line_part) - 1]
    return line.index(part) + 1


def test_the_sprite_tree_keeps_the_files_nesting_and_its_parameters_are_typed():
    description = parse(GAME)
    by_name = {node.name: node for node in description.sprites}
    # The default wall comes first (Java's sprite order), the file's types after it.
    assert [node.name for node in description.sprites] == [
        "wall", "floor", "moving", "slash", "gem"
    ]
    moving = by_name["moving"]
    assert moving.sprite_class is None
    avatar, enemy = moving.children
    assert (avatar.name, avatar.sprite_class, avatar.params) == (
        "avatar", "ShootAvatar", {"stype": "slash"}
    )
    assert (enemy.sprite_class, enemy.params) == ("RandomNPC", {"cons": 2, "speed": 1.0})
    # Each leaf names the class it is built with.
    assert [(c.name, c.sprite_class, c.params) for c in enemy.children] == [
        ("fast", "RandomNPC", {"cooldown": 1}), ("slow", "RandomNPC", {"cooldown": 4})
    ]
    assert isinstance(enemy.params["speed"], float)
    assert by_name["slash"].params == {"limit": 3, "singleton": True}
    # Drawing-only parameters (img, hidden, color) are dropped.
    assert by_name["floor"].params == {}
    repeated = with_line(GAME, "hidden=True", "hidden=True hidden=False")
    assert parse(repeated) == parse(GAME)


def test_leaves_inherit_their_groups_class_and_parameters_when_compiled():
    game = CompiledGame(parse(GAME))
    fast, slow = game.types[game.leaf_id("fast")], game.types[game.leaf_id("slow")]
    assert fast.sprite_class.name == slow.sprite_class.name == "RandomNPC"
    assert (fast.params["cons"], fast.cooldown, slow.cooldown) == (2, 1, 4)
    assert game.actions == ("NIL", "USE", "LEFT", "RIGHT", "DOWN", "UP")


def test_several_second_sprites_make_one_rule_and_score_change_is_its_score():
    rules = parse(GAME).interactions
    assert rules[2].first == "avatar"
    assert rules[2].seconds == ("fast", "slow")
    assert (rules[2].effect, rules[2].score) == ("killSprite", -1.5)
    assert rules[1].score == 2.0
    # The game that plays them: the avatar dies to either enemy, losing 1.5 each time.
    for enemy in ("e", "s"):
        game = Game(
            LevelLayout.from_rows(CompiledGame(parse(GAME)), level_rows(f"A{enemy}")),
            np.random.default_rng(0),
        )
        game.step("RIGHT")  # the avatar faces RIGHT already, so it moves onto the enemy
        assert (game.lost, game.score) == (True, -1.5)


def test_terminations_get_javas_defaults_and_multispritecounter_its_numbered_types():
    assert parse(GAME).terminations == (
        SpriteCounter("avatar", win=False, limit=0),
        MultiSpriteCounter(("fast", "slow"), win=True, limit=0),
        Timeout(limit=100, win=True),
    )
    text = with_line(GAME, "Timeout limit=100 win=True", "SpriteCounter stype=gem")
    assert parse(text).terminations[-1] == SpriteCounter("gem", win=False, limit=0)


def test_wall_and_avatar_are_defined_and_mapped_by_default():
    description = parse("""
        BasicGame
          SpriteSet
            floor > Immovable
        """)
    game = CompiledGame(description)
    # Java: wall is Immovable and first in the sprite order, avatar MovingAvatar and last.
    assert [(t.name, t.sprite_class.name) for t in game.types] == [
        ("wall", "Immovable"), ("floor", "Immovable"), ("avatar", "MovingAvatar")
    ]
    assert description.legend == {"w": ("wall",), "A": ("avatar",)}
    assert game.actions == ("NIL", "LEFT", "RIGHT", "DOWN", "UP")


def test_a_levelmapping_replaces_the_default_characters_and_a_group_is_not_mapped():
    description = parse(GAME)
    assert description.legend["A"] == ("floor", "avatar")
    assert description.legend["w"] == ("wall",)
    grouped = parse("""
        BasicGame
          SpriteSet
            avatar > MovingAvatar
              plain >
              fancy >
        """)
    # `avatar` is a group here (as in Zelda), so `A` has no default: sprites are leaves.
    assert grouped.legend == {"w": ("wall",)}


def test_a_leaf_naming_its_own_class_under_a_classed_group_gets_the_groups_class():
    # Java's VGDLParser._parseSprites: Frogs' `goal > Door` under `structure > Immovable`.
    description = parse("""
        BasicGame
          SpriteSet
            structure > Immovable
              water >
              goal > Door
            mover > Missile speed=0.5
              inner > RandomNPC
                deep > Door
            avatar > MovingAvatar
        """)
    game = CompiledGame(description)
    classes = {t.name: t.sprite_class.name for t in game.types}
    assert classes["goal"] == "Immovable"
    # A group passes its own class down, even under a classed group.
    assert classes["deep"] == "RandomNPC"


def test_eos_rules_either_way_round():
    text = with_line(GAME, "gem avatar > collectResource",
                     "gem avatar > collectResource\n        EOS slash > killSprite\n"
                     "        fast EOS slow > stepBack")
    rules = parse(text).interactions
    assert (rules[-2].first, rules[-2].seconds) == ("slash", (EOS,))
    assert (rules[-1].first, rules[-1].seconds) == ("fast", (EOS, "slow"))
    CompiledGame(parse(text))


def test_tabs_crlf_and_comments_are_read_like_java():
    text = textwrap.dedent(GAME).replace("    ", "\t").replace("\n", "\r\n")
    assert parse_vgdl(text, name="sandbox") == parse(GAME)


def test_read_vgdl_names_the_game_after_its_file(tmp_path):
    path = tmp_path / "mygame.txt"
    path.write_text(textwrap.dedent(GAME))
    assert read_vgdl(path).name == "mygame"
    assert read_vgdl(path) == parse(GAME, name="mygame")


def test_every_engine_effect_has_its_parameters_listed():
    assert set(EFFECT_PARAMETERS) == set(EFFECTS)


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        ("enemy > RandomNPC", "enemy > Wizard", "Wizard",
         "sprite class 'Wizard' is not supported by the engine"),
        ("stepBack", "teleportHome", "teleportHome",
         "effect 'teleportHome' is not supported by the engine"),
        ("MultiSpriteCounter", "ScoreCounter", "ScoreCounter",
         "termination 'ScoreCounter' is not supported by the engine"),
        ("gem > Resource limit=5", "gem > Resource limit=5 cons=2", "cons=2",
         "parameter 'cons' is not supported for Resource (sprite type 'gem')"),
        ("collectResource", "collectResource prob=0.5", "prob=0.5",
         "effect collectResource takes no parameter 'prob'"),
        ("limit=100", "limit=100 count_score=True", "count_score",
         "Timeout takes no parameter 'count_score'"),
        ("cooldown=4", "cooldown=2.5", "2.5", "cooldown=2.5: expected an integer"),
        ("singleton=true", "singleton=yes", "yes", "singleton=yes: expected True or False"),
        ("stype=slash", "stype=sword", "sword",
         "stype: 'sword' is not a sprite type of the SpriteSet"),
        ("stype=slash", "stype=enemy", "enemy", "stype: 'enemy' is a group"),
        ("enemy slash", "enemy sword", "sword",
         "interaction: 'sword' is not a sprite type of the SpriteSet"),
        ("s > floor slow", "s > floor enemy", "enemy", "'enemy' is a group"),
        ("gem avatar > collectResource", "gem EOS > collectResource", "EOS",
         "collectResource needs a second sprite"),
        ("slash > Flicker", "slash Flicker", "Flicker",
         "expected 'name > [Class] [parameter=value ...]'"),
        ("gem avatar > collectResource", "gem avatar collectResource", "gem",
         "expected 'first second ... > effect"),
        ("gem > Resource", "gem > Resource Immovable", "Immovable",
         "a sprite type has one class"),
        ("slow > cooldown=4", "fast > cooldown=4", "fast", "'fast' is defined twice"),
        ("e > floor fast", "ee > floor fast", "ee", "a level character is one character"),
        ("win=False", "win=False win=True", "win=True", "'win' given twice"),
        ("BasicGame", "GameSpace", "GameSpace", "game class 'GameSpace' is not supported"),
        ("square_size=20", "no_players=3", "3", "only one-player games"),
        ("TerminationSet", "TerminationSets", "TerminationSets", "expected a section"),
        ("limit=0 win=False", "limit= win=False", "limit=", "expected parameter=value"),
    ],
)
def test_one_error_names_the_problem_at_file_line_col(old, new, at, message):
    text = with_line(GAME, old, new)
    error = error_of(text)
    assert error.startswith(f"<string>:{line_of(text, new)}:{col_of(text, new, at)}: "), error
    assert message in error


def test_indentation_that_matches_no_sibling_is_an_error():
    text = with_line(GAME, "        slash > Flicker", "      slash > Flicker")
    error = error_of(text)
    assert error.startswith(f"<string>:{line_of(text, 'slash > Flicker')}:7: "), error
    assert "indented 6 columns" in error
    assert error_of("BasicGame\nSpriteSet\n").startswith(
        "<string>:2:1: indent this line more than the game line (line 1)"
    )


def test_errors_in_a_file_name_the_file(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_text(textwrap.dedent(with_line(GAME, "Immovable img", "Boulder img")))
    with pytest.raises(ValueError, match=rf"^{path}:{line_of(GAME, 'floor > ')}:\d+: "
                                         "sprite class 'Boulder'"):
        read_vgdl(path)
    with pytest.raises(VGDLError, match="not a file"):
        read_vgdl(tmp_path)


def test_a_class_that_needs_stype_without_one_is_an_error():
    text = with_line(GAME, "avatar > ShootAvatar stype=slash", "avatar > ShootAvatar")
    assert error_of(text).startswith(f"<string>:{line_of(text, 'avatar > ShootAvatar')}:13: ")
    assert "'avatar' (ShootAvatar) needs stype=" in error_of(text)


def test_singleton_on_a_group_of_several_types_is_refused():
    # Java would allow one sprite of the whole group, which the engine cannot do.
    text = with_line(GAME, "enemy > RandomNPC cons=2", "enemy > RandomNPC cons=2 singleton=True")
    assert "singleton on a group of several types" in error_of(text)


def test_a_leaf_without_any_class_is_an_error():
    text = with_line(GAME, "gem > Resource limit=5", "gem >")
    assert error_of(text).startswith(f"<string>:{line_of(text, 'gem >')}:9: ")
    assert "'gem' has no class" in error_of(text)


def test_an_empty_file_and_a_missing_spriteset_are_errors():
    assert error_of("# nothing\n") == "<string>:1:1: empty VGDL file (a game line such as " \
        "BasicGame is needed)"
    assert "no SpriteSet section" in error_of("BasicGame\n  LevelMapping\n    a > wall\n")


def test_eos_is_no_sprite_type_name():
    text = with_line(GAME, "gem > Resource", "EOS > Resource")
    assert error_of(text).startswith(f"<string>:{line_of(text, 'EOS > Resource')}:9: ")
    assert "'EOS' names no sprite type" in error_of(text)


# ---------------------------------------------------------------------- gvgai/VGDL-v0


def write_game(folder, level: str = "wwwww\nwA.ew\nwwwww\n"):
    game_file, level_file = folder / "mygame.txt", folder / "level.txt"
    game_file.write_text(textwrap.dedent(GAME))
    level_file.write_text(level)
    return game_file, level_file


def test_gym_make_plays_a_vgdl_file_on_a_level_file(tmp_path):
    import gymnasium as gym
    from gymnasium.utils.env_checker import check_env

    from gvgai_py import VGDL_ENV_ID

    game_file, level_file = write_game(tmp_path)
    env = gym.make(VGDL_ENV_ID, game_file=str(game_file), level_file=level_file)
    check_env(env.unwrapped)
    obs, _ = env.reset(seed=0)
    # Channels: wall, floor, avatar, fast, slow, slash, gem (the file's leaves, wall first).
    assert obs.shape == (7, 3, 5)
    assert env.unwrapped.get_action_meanings() == ["NIL", "USE", "LEFT", "RIGHT", "DOWN", "UP"]
    # RIGHT twice: the avatar faces right, steps onto the floor, then onto the fast enemy.
    env.step(3)
    _, reward, terminated, _, info = env.step(3)
    assert (reward, terminated, info["lost"]) == (-1.5, True, True)
    ascii_env = gym.make(VGDL_ENV_ID, game_file=game_file, level_file=level_file,
                         obs_type="ascii")
    assert ascii_env.reset(seed=0)[0] == "wwwww\nwA.ew\nwwwww"


def test_gym_make_reports_a_bad_file_or_level(tmp_path):
    import gymnasium as gym

    from gvgai_py import VGDL_ENV_ID, LevelError

    game_file, level_file = write_game(tmp_path, level="wwwww\nwA.zw\n")
    with pytest.raises(LevelError, match="unknown character 'z'"):
        gym.make(VGDL_ENV_ID, game_file=game_file, level_file=level_file)
    game_file.write_text(textwrap.dedent(with_line(GAME, "stepBack", "stepForward")))
    with pytest.raises(VGDLError, match=rf"^{game_file}:\d+:\d+: effect 'stepForward'"):
        gym.make(VGDL_ENV_ID, game_file=game_file, level_file=level_file)
