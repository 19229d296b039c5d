"""``scripts/vgdl_reach.py``: counts, every missing piece of a game and their ranking, on a
tiny folder of games written here (and the scan against the reader on GVGAI's files, when
present)."""

from __future__ import annotations

import csv
import importlib.util
import sys

import pytest
from helpers import REPO

SCRIPT = REPO / "scripts" / "vgdl_reach.py"
REFERENCE_VGDL = REPO.parent / "shared" / "gvgai-reference" / "vgdl"


def load_script():
    spec = importlib.util.spec_from_file_location("vgdl_reach_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


reach = load_script()
Piece = reach.Piece

READABLE = """\
BasicGame
    SpriteSet
        goal > Immovable img=goal
    LevelMapping
        g > goal
    InteractionSet
        avatar wall > stepBack
        goal avatar > killSprite scoreChange=1
    TerminationSet
        SpriteCounter stype=goal win=True
"""
LEVEL = "wwwww\nwA gw\nwwwww\n"
FILES = {
    "good.txt": READABLE,
    "good_lvl0.txt": LEVEL,
    "good_lvl1.txt": "wwwwww\nwAg  w\nwwwwww\n",
    # Reads, but its level uses a character the game does not map: it does not run.
    "badlevel.txt": READABLE,
    "badlevel_lvl0.txt": "wwwww\nwAzgw\nwwwww\n",
    # The reader stops at the class; the scan also finds the effect. The class's own
    # parameter comes with the class, not as a piece of its own.
    "noclass.txt": """\
BasicGame
    SpriteSet
        thing > NoSuchClass noSuchParameter=2
    InteractionSet
        thing wall > noSuchEffect
""",
    "noeffect.txt": """\
BasicGame
    SpriteSet
        thing > Immovable
    InteractionSet
        avatar wall > stepBack
        thing avatar > noSuchEffect scoreChange=2 noSuchParameter=1
""",
    # A parameter on a group counts for the class its leaf is built with; img is drawing only.
    "noparam.txt": """\
BasicGame
    SpriteSet
        movers > MovingAvatar noSuchParameter=1 img=x
            avatar >
""",
    # A LevelMapping line without '>': an error no scanned piece explains.
    "malformed.txt": """\
BasicGame
    SpriteSet
        thing > Immovable
    LevelMapping
        t thing
""",
    # A level generator's mapping, not a game.
    "good_glvl.txt": "LevelMapping\n    g > goal\n",
}
EFFECT = Piece("effect", "noSuchEffect")
CLASS = Piece("sprite class", "NoSuchClass")
PARAMETER = Piece("sprite parameter", "MovingAvatar noSuchParameter")
OTHER = Piece("other", "expected '…'")


@pytest.fixture
def folder(tmp_path):
    games = tmp_path / "gridphysics"
    games.mkdir()
    for name, text in FILES.items():
        (games / name).write_text(text)
    return games


@pytest.fixture
def reports(folder):
    return {r.name: r for r in reach.survey(folder, steps=30, seeds=2)}


def test_counts_files_reads_and_runs(reports):
    assert sorted(reports) == ["badlevel", "good", "malformed", "noclass", "noeffect",
                               "noparam"]
    assert sorted(r.name for r in reports.values() if r.read) == ["badlevel", "good"]
    assert sorted(r.name for r in reports.values() if r.runs) == ["good"]
    assert (reports["good"].levels, reports["good"].levels_run) == (2, 2)
    assert (reports["badlevel"].levels, reports["badlevel"].levels_run) == (1, 0)
    assert reports["badlevel"].run_error.startswith("badlevel_lvl0.txt: LevelError: ")


def test_every_piece_of_a_game_not_only_the_first(reports):
    assert reports["noclass"].pieces == [EFFECT, CLASS]
    assert "NoSuchClass" in reports["noclass"].error  # the reader stopped at the class
    assert reports["noeffect"].pieces == [EFFECT]  # its parameter comes with the effect
    assert reports["noparam"].pieces == [PARAMETER]
    assert reports["malformed"].pieces == [OTHER]
    assert all(r.pieces == [] for r in reports.values() if r.read)
    # Only the class cannot be blanked out to look behind it.
    assert [r.name for r in reports.values() if r.hidden] == ["noclass"]


def test_ranking_by_games_needing_then_alone_with_cumulative_unlocks(reports):
    """Pieces needed by as many games rank by the games they alone unlock (the parameter
    above the class), then by name."""
    ranks = reach.rank(list(reports.values()))
    assert [(r.piece, r.needed_by, r.alone, r.cumulative, r.newly) for r in ranks] == [
        (EFFECT, ("noclass", "noeffect"), ("noeffect",), 1, ("noeffect",)),
        (OTHER, ("malformed",), ("malformed",), 2, ("malformed",)),
        (PARAMETER, ("noparam",), ("noparam",), 3, ("noparam",)),
        (CLASS, ("noclass",), (), 4, ("noclass",)),
    ]


@pytest.mark.parametrize("sprites", [
    "block > Immovable hidden=True\n            rock > NoSuchClass\n",
    "blocks > NoSuchClass\n            block > Immovable\n                rock >\n",
], ids=["leaf under a group", "group under a group"])
def test_a_leaf_built_with_its_nearest_groups_class_needs_nothing(tmp_path, sprites):
    """As the reader (Java's parser) builds them, both rocks are Immovables: a class that
    a nearer group overrides is no missing piece."""
    path = tmp_path / "quirk.txt"
    path.write_text(f"BasicGame\n    SpriteSet\n        {sprites}")
    report, description = reach.read_game(path)
    assert report.read and description is not None
    assert reach.scan(path.read_text()) == []


def test_a_time_rule_is_one_piece_with_its_parameters(tmp_path):
    path = tmp_path / "timer.txt"
    path.write_text("BasicGame\n    SpriteSet\n        thing > Immovable\n"
                    "    InteractionSet\n"
                    "        thing TIME > killSprite timer=3 repeating=True\n")
    report, _ = reach.read_game(path)
    assert report.pieces == [Piece("interaction", "TIME")]


def test_an_effect_named_by_shieldfrom_is_a_piece_of_its_own(tmp_path):
    path = tmp_path / "shield.txt"
    path.write_text("BasicGame\n    SpriteSet\n        thing > Immovable\n"
                    "    InteractionSet\n"
                    "        avatar thing > shieldFrom stype=thing ftype=noSuchEffect\n")
    report, _ = reach.read_game(path)
    assert report.pieces == [EFFECT]


@pytest.mark.skipif(not REFERENCE_VGDL.is_dir(), reason=f"no VGDL files in {REFERENCE_VGDL}")
def test_the_scan_finds_nothing_in_files_that_read():
    files = sorted(REFERENCE_VGDL.glob("*.txt"))
    read = [p for p in files if reach.read_game(p)[0].read]
    assert read and all(reach.scan(p.read_text()) == [] for p in read)


def test_command_writes_the_report_and_refuses_to_overwrite(folder, tmp_path, capsys):
    out, table = tmp_path / "reach.md", tmp_path / "reach.csv"
    args = [str(folder), "--steps", "20", "--out", str(out), "--csv", str(table)]
    assert reach.main(args) == 0
    text = out.read_text()
    assert "6 game files, **2 read**, 2 of them with levels, **1 run**" in text
    assert "| 1 | effect `noSuchEffect` | 2 | 1 | 1 | noeffect | noclass, noeffect |" in text
    rows = {row["game"]: row for row in csv.DictReader(table.open())}
    assert rows["noclass"]["missing_pieces"] == "effect noSuchEffect; sprite class NoSuchClass"
    assert rows["good"]["runs"] == "True" and rows["badlevel"]["runs"] == "False"

    out.write_text("mine")
    capsys.readouterr()
    assert reach.main(args) == 2
    assert "already exist" in capsys.readouterr().err
    assert out.read_text() == "mine"
    assert reach.main([*args, "--force"]) == 0
    assert out.read_text() == text


def test_command_refuses_a_missing_folder(tmp_path, capsys):
    assert reach.main([str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err.startswith("vgdl_reach.py: error: ")
