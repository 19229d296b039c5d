"""How far the VGDL reader reaches: every gridphysics game of GVGAI through the reader and a
short random rollout, and which missing pieces would unlock the most games.

The games are GVGAI's (GAIGResearch/GVGAI, GPL): fetch them into a scratch folder outside
this project, never into it, e.g.

    git clone --depth 1 https://github.com/GAIGResearch/GVGAI /tmp/GVGAI
    python scripts/vgdl_reach.py /tmp/GVGAI/examples/gridphysics --out /tmp/reach.md

In that folder a game is ``<game>.txt`` and its levels ``<game>_lvl<N>.txt``;
``<game>_glvl.txt`` holds a level generator's LevelMapping, not a game, and is skipped.

Each game file goes through :func:`gvgai_py.vgdl.read_vgdl`. The reader stops at its first
problem, so every file is also scanned for all the pieces the engine lacks (:func:`scan`):
sprite classes, effects and terminations against the engine's ``SPRITE_CLASSES``, ``EFFECTS``
and ``Termination`` union, ``TIME`` interactions, the game class, and the parameters that the
reader does not take for supported classes, effects, terminations and the game line. The
file is then read again with the lines and parameters of those pieces blanked out; an error
there that no scanned piece explains is an "other" piece (the reader's message, with names
replaced by ``…``). An unsupported sprite class cannot be blanked out: a game still stopped
at one may hide other problems behind it (the report counts these games).

A game that reads is played on each of its levels: ``--seeds`` episodes of random actions,
each at most ``--steps`` steps. It runs when every level loads and plays without an exception.

Pieces are ranked by how many games need them; for each, the report gives how many games it
alone would make readable and how many it would with all the pieces above it. The report is
markdown (stdout, or ``--out FILE``); ``--csv FILE`` writes one row per game. Neither
overwrites a file without ``--force``. Exit status 2 on bad input.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
from tqdm import tqdm

from gvgai_py.engine.description import Termination
from gvgai_py.engine.effects import EFFECTS
from gvgai_py.engine.sprites import SPRITE_CLASSES
from gvgai_py.envs import GVGAIEnv
from gvgai_py.files import save_atomically
from gvgai_py.level import Level
from gvgai_py.outputs import OutputError, check_targets
from gvgai_py.vgdl import (
    EFFECT,
    EFFECT_PARAMETERS,
    IGNORED_GAME_PARAMETERS,
    IGNORED_SPRITE_PARAMETERS,
    LIST_FIELDS,
    SECTIONS,
    VGDLError,
    parse_vgdl,
    read_vgdl,
    sprite_parameters,  # the reader's own list, so that the scan and the reader agree
)

LEVEL_FILE = re.compile(r"(?P<game>.+)_lvl(?P<number>\d+)")
GENERATOR_MAPPING = re.compile(r".+_glvl")
TERMINATIONS = {cls.__name__: cls for cls in typing.get_args(Termination)}
GAME_CLASS = "BasicGame"
GAME_PARAMETERS = ("no_players", *IGNORED_GAME_PARAMETERS)
_POSITION = re.compile(r"^(\d+):(\d+): ")
_QUOTED = re.compile(r"'[^']*'")


@dataclass(frozen=True, order=True)
class Piece:
    """Something the engine or the reader lacks: a kind and a name, e.g. ("effect",
    "killAll"), ("sprite parameter", "ShootAvatar ammo") or ("other", a reader's message)."""

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


LINE, TOKEN, KEEP = "line", "token", "keep"
"""How a scanned piece is blanked out before the second read: its whole line (an interaction
or termination), its token (a parameter), or not at all (a sprite or game class, which
the lines that name the type need)."""


@dataclass(frozen=True)
class Found:
    """A scanned piece where a file needs it: 1-based line and column of its token, and how
    it is blanked out (:data:`LINE`, :data:`TOKEN` or :data:`KEEP`)."""

    piece: Piece
    line: int
    col: int
    length: int
    blank: str


@dataclass
class GameReport:
    """What happened to one game file."""

    name: str
    read: bool = False
    error: str = ""
    """The reader's error on the file as it is ("" when it reads)."""
    pieces: list[Piece] = field(default_factory=list)
    """Every missing piece found, each once, sorted."""
    hidden: bool = False
    """Whether the blanked-out file still stopped at an unsupported sprite or game class, so
    that problems behind it are unknown."""
    levels: int = 0
    levels_run: int = 0
    run_error: str = ""
    """The first failure on a level: ``<level file>: <exception type>: <message>``."""

    @property
    def runs(self) -> bool:
        """Read, has levels, and every level loaded and played without an exception."""
        return self.read and self.levels > 0 and self.levels_run == self.levels


# ---------------------------------------------------------------------------- scanning
def _lines(text: str) -> list[tuple[int, list[tuple[int, str]]]]:
    """(line number, [(1-based column, token), ...]) of every line with content, comments
    removed, split as the reader splits them."""
    lines = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        content = raw.split("#", 1)[0]
        tokens = [(m.start() + 1, m[0]) for m in re.finditer(r"\S+", content)]
        if tokens:
            lines.append((number, tokens))
    return lines


@dataclass
class _Entry:
    """A SpriteSet line: its indentation, class token (line, col, name) if it names one,
    parameter tokens (line, col, text) and the entries nested under it."""

    indent: int
    class_token: tuple[int, int, str] | None
    params: list[tuple[int, int, str]]
    children: list[_Entry] = field(default_factory=list)


def scan(text: str) -> list[Found]:
    """Every piece the engine or the reader lacks that the VGDL ``text`` names, where it
    names it, in file order. Lines it cannot make sense of are left to the reader."""
    lines = _lines(text)
    if not lines:
        return []
    (game_line, (game_class, *game_params)), *rest = lines
    found = []
    if game_class[1] != GAME_CLASS:
        found.append(Found(Piece("game class", game_class[1]), game_line, *_at(game_class),
                           KEEP))
    found += [_parameter("game parameter", "", (game_line, *token), GAME_PARAMETERS)
              for token in game_params]
    section = None
    sprites: list[_Entry] = []
    open_entries: list[_Entry] = []
    by_lower = {s.lower(): s for s in SECTIONS}
    for number, tokens in rest:
        if len(tokens) == 1 and tokens[0][1].lower() in by_lower:
            section = by_lower[tokens[0][1].lower()]
            continue
        words = [t for t in tokens if "=" not in t[1]]
        params = [(number, *t) for t in tokens if "=" in t[1]]
        arrow = next((i for i, (_, word) in enumerate(words) if word == ">"), None)
        if section == "SpriteSet" and arrow is not None:
            after = words[arrow + 1:]
            entry = _Entry(tokens[0][0], (number, *after[0]) if after else None, params)
            while open_entries and open_entries[-1].indent >= entry.indent:
                open_entries.pop()
            (open_entries[-1].children if open_entries else sprites).append(entry)
            open_entries.append(entry)
        elif section == "InteractionSet" and arrow is not None:
            found += _scan_interaction(number, words[:arrow], words[arrow + 1:], params)
        elif section == "TerminationSet":
            found += _scan_termination(number, tokens[0], params)
    found += _scan_sprites(sprites, None)
    return sorted(set(f for f in found if f is not None), key=lambda f: (f.line, f.col, f.piece))


def _at(token: tuple[int, str]) -> tuple[int, int]:
    """(column, length) of a (column, text) token."""
    return token[0], len(token[1])


def _parameter(kind: str, owner: str, token: tuple[int, int, str],
               accepted: Iterable[str]) -> Found | None:
    """A parameter token (line, col, text) that ``accepted`` lacks, as a piece named
    ``"<owner> <parameter>"``; ``None`` if accepted."""
    line, col, text = token
    name = text.partition("=")[0]
    if name in accepted:
        return None
    return Found(Piece(kind, f"{owner} {name}".strip()), line, col, len(text), TOKEN)


def _scan_interaction(number, sides, after, params) -> list[Found]:
    found = [Found(Piece("interaction", "TIME"), number, col, len(word), LINE)
             for col, word in sides if word.upper() == "TIME"]
    if not after:
        return found
    effect = after[0][1]
    if effect not in EFFECTS:
        found.append(Found(Piece("effect", effect), number, *_at(after[0]), LINE))
    elif not found:  # a TIME rule's own parameters (timer, repeating) come with TIME
        accepted = {"scoreChange": None, **EFFECT_PARAMETERS.get(effect, {})}
        found += [_parameter("effect parameter", effect, p, accepted) for p in params]
        # shieldFrom's ftype names an effect, which the engine may lack.
        found += [Found(Piece("effect", value), line, col, len(text), LINE)
                  for line, col, text in params
                  for name, _, value in [text.partition("=")]
                  if accepted.get(name) == EFFECT and value not in EFFECTS]
    return found


def _scan_termination(number, word, params) -> list[Found]:
    cls = TERMINATIONS.get(word[1])
    if cls is None:
        return [Found(Piece("termination", word[1]), number, *_at(word), LINE)]
    accepted = [vgdl for f in fields(cls) for vgdl in LIST_FIELDS.get(f.name, (f.name,))]
    return [_parameter("termination parameter", word[1], p, accepted) for p in params]


def _built(entry: _Entry, inherited: tuple[int, int, str] | None) -> list[tuple[int, int, str]]:
    """The class tokens that the leaves under ``entry`` (``entry`` itself if it is one) are
    built with: that of the nearest ancestor naming a class, else the leaf's own, as the
    reader builds them (docs/vgdl.md, "Classes")."""
    if entry.children:
        passed = _passed_down(entry, inherited)
        return [token for child in entry.children for token in _built(child, passed)]
    built = inherited or entry.class_token
    return [built] if built else []  # no class at all is the reader's error


def _passed_down(group: _Entry, inherited: tuple[int, int, str] | None):
    """The class a group passes to the entries under it: its own, if it names one."""
    return group.class_token or inherited


def _scan_sprites(entries: list[_Entry], inherited) -> list[Found | None]:
    """Unsupported classes that leaves are built with, and the parameters that supported
    classes below an entry do not take (those of an unsupported class come with it)."""
    found: list[Found | None] = []
    for entry in entries:
        classes = {token[2] for token in _built(entry, inherited)}
        if not entry.children:
            found += [Found(Piece("sprite class", name), line, col, len(name), KEEP)
                      for line, col, name in _built(entry, inherited)
                      if name not in SPRITE_CLASSES]
        for param in entry.params:
            if param[2].partition("=")[0] in IGNORED_SPRITE_PARAMETERS:
                continue
            found += [
                _parameter("sprite parameter", name, param,
                           sprite_parameters(SPRITE_CLASSES[name]))
                for name in sorted(classes) if name in SPRITE_CLASSES
            ]
        found += _scan_sprites(entry.children, _passed_down(entry, inherited))
    return found


def blanked(text: str, found: Iterable[Found]) -> str:
    """``text`` with the scanned pieces blanked out (a line emptied, a token turned into
    spaces), so that every other line and column stays where it was."""
    lines = re.split(r"\r\n|\r|\n", text)
    for f in found:
        line = lines[f.line - 1]
        if f.blank == LINE:
            lines[f.line - 1] = ""
        elif f.blank == TOKEN:
            start = f.col - 1
            lines[f.line - 1] = line[:start] + " " * f.length + line[start + f.length:]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- one game
def other_piece(message: str, path: Path) -> Piece:
    """A reader error on the game file ``path`` that no scanned piece explains, as a piece
    shared by the games with the same problem: the message without the file, the position
    or game name, quoted names (``'…'``) and explanations in brackets."""
    message = message.removeprefix(f"{path}:").lstrip()
    message = _POSITION.sub("", message).removeprefix(f"{path.stem}: ").split(" (", 1)[0]
    return Piece("other", _QUOTED.sub("'…'", message))


def read_game(path: Path) -> tuple[GameReport, object | None]:
    """Read the game file ``path``; return its report (read, error, pieces, hidden) and the
    game description (``None`` when it does not read)."""
    report = GameReport(path.stem)
    try:
        description = read_vgdl(path)
    except Exception as err:  # a reader bug is reported like any error, not raised
        report.error = _describe(err)
    else:
        report.read = True
        return report, description
    text = path.read_text(encoding="utf-8", errors="replace")
    found = scan(text)
    pieces = {f.piece for f in found}
    try:
        parse_vgdl(blanked(text, found), name=path.stem, source=str(path))
    except Exception as err:
        message = _describe(err)
        position = _POSITION.match(message.removeprefix(f"{path}:"))
        kept = {(f.line, f.col) for f in found if f.blank == KEEP}
        if position and (int(position[1]), int(position[2])) in kept:
            report.hidden = True
        else:
            pieces.add(other_piece(message, path))
    report.pieces = sorted(pieces)
    return report, None


def _describe(err: Exception) -> str:
    return str(err) if isinstance(err, VGDLError) else f"{type(err).__name__}: {err}"


def level_files(folder: Path, game: str) -> list[Path]:
    """``<game>_lvl<N>.txt`` in ``folder``, by N."""
    levels = []
    for path in folder.glob(f"{glob_escape(game)}_lvl*.txt"):
        match = LEVEL_FILE.fullmatch(path.stem)
        if match and match["game"] == game:
            levels.append((int(match["number"]), path))
    return [path for _, path in sorted(levels)]


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def play(report: GameReport, description, levels: list[Path], steps: int, seeds: int) -> None:
    """Play ``seeds`` random episodes of at most ``steps`` steps on each level; fill in
    ``levels``, ``levels_run`` and ``run_error``."""
    report.levels = len(levels)
    for path in levels:
        try:
            env = GVGAIEnv(description, level=Level.from_file(path, description),
                           max_steps=steps)
            for seed in range(seeds):
                actions = np.random.default_rng(seed)
                env.reset(seed=seed)
                done = False
                while not done:
                    *_, terminated, truncated, _ = env.step(
                        int(actions.integers(env.action_space.n)))
                    done = terminated or truncated
            env.close()
        except Exception as err:  # the point is to find what fails, then go on
            report.run_error = report.run_error or f"{path.name}: {type(err).__name__}: {err}"
        else:
            report.levels_run += 1


def game_files(folder: Path) -> list[Path]:
    """The game files of ``folder``: every ``*.txt`` but levels and level generators'
    mappings, by name."""
    return sorted(
        path for path in folder.glob("*.txt")
        if not (LEVEL_FILE.fullmatch(path.stem) or GENERATOR_MAPPING.fullmatch(path.stem))
    )


def survey(folder: Path, steps: int, seeds: int) -> list[GameReport]:
    """Read and play every game of ``folder`` (a progress bar on stderr)."""
    reports = []
    for path in tqdm(game_files(folder), desc="games", unit="game"):
        report, description = read_game(path)
        if description is not None:
            play(report, description, level_files(folder, path.stem), steps, seeds)
        reports.append(report)
    return reports


# ---------------------------------------------------------------------------- ranking
@dataclass(frozen=True)
class Rank:
    """A piece, the games that need it, those it alone would make readable, how many
    unreadable games read once it and every piece ranked above it are added, and which of
    them read only from this piece on."""

    piece: Piece
    needed_by: tuple[str, ...]
    alone: tuple[str, ...]
    cumulative: int
    newly: tuple[str, ...]


def rank(reports: list[GameReport]) -> list[Rank]:
    """Pieces by the number of games that need them (then by the games each alone unlocks,
    then by name), with the cumulative count of games made readable down the list."""
    unread = [r for r in reports if not r.read]
    needs: dict[Piece, list[str]] = {}
    for report in unread:
        for piece in report.pieces:
            needs.setdefault(piece, []).append(report.name)
    alone = {piece: tuple(r.name for r in unread if r.pieces == [piece]) for piece in needs}
    order = sorted(needs, key=lambda p: (-len(needs[p]), -len(alone[p]), p))
    ranks, added, readable = [], set(), set()
    for piece in order:
        added.add(piece)
        now = {r.name for r in unread if set(r.pieces) <= added}
        newly = tuple(r.name for r in unread if r.name in now - readable)
        readable = now
        ranks.append(Rank(piece, tuple(needs[piece]), alone[piece], len(now), newly))
    return ranks


# ---------------------------------------------------------------------------- report
def markdown(reports: list[GameReport], folder: Path, steps: int, seeds: int,
             top: int | None) -> str:
    read = [r for r in reports if r.read]
    with_levels = [r for r in read if r.levels]
    runs = [r for r in read if r.runs]
    hidden = [r for r in reports if r.hidden]
    ranks = rank(reports)
    shown = ranks[:top] if top else ranks
    lines = [
        "# How far the VGDL reader reaches",
        "",
        f"Folder `{folder}`: {len(reports)} game files, **{len(read)} read**, "
        f"{len(with_levels)} of them with levels, **{len(runs)} run** on all their levels "
        f"without an exception ({seeds} random episodes of at most {steps} steps per level).",
        "",
        f"Missing pieces, {len(shown)} of {len(ranks)}, by the games that need them. "
        "*Alone*: the games this piece alone makes readable; *with those above*: the games "
        "readable once this piece and every piece above it are added"
        + (f" (an upper bound: {len(hidden)} games stop at an unsupported class that may "
           "hide further problems)" if hidden else "") + ".",
        "",
        "| rank | piece | games needing it | alone | with those above | newly readable "
        "| needed by |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {i} | {r.piece.kind} `{r.piece.name}` | {len(r.needed_by)} | {len(r.alone)} | "
        f"{r.cumulative} | {', '.join(r.newly)} | {', '.join(r.needed_by)} |"
        for i, r in enumerate(shown, start=1)
    ]
    lines += ["", "## Games that read", "", "| game | levels | run | first failure |",
              "|---|---|---|---|"]
    lines += [f"| {r.name} | {r.levels} | {r.levels_run} | {r.run_error} |" for r in read]
    lines += ["", "## Games that do not read", "", "| game | missing pieces | reader's error |",
              "|---|---|---|"]
    lines += [
        f"| {r.name}{' (†)' if r.hidden else ''} | {'; '.join(map(str, r.pieces))} | "
        f"{_short(r.error)} |"
        for r in reports if not r.read
    ]
    if hidden:
        lines += ["", "† stops at an unsupported class; other problems may lie behind it."]
    return "\n".join(lines).replace("\r", "") + "\n"


def _short(error: str) -> str:
    """A reader's error without its file and position, or the lists of what is supported."""
    message = error.split(": ", 1)[-1]
    return re.split(r" \(supported: |; it takes ", message)[0]


def write_csv(path: Path, reports: list[GameReport]) -> None:
    def write(tmp: Path) -> None:
        with tmp.open("w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["game", "read", "levels", "levels_run", "runs", "missing_pieces",
                             "hidden", "reader_error", "run_error"])
            for r in reports:
                writer.writerow([r.name, r.read, r.levels, r.levels_run, r.runs,
                                 "; ".join(map(str, r.pieces)), r.hidden, r.error, r.run_error])

    save_atomically(path, write)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="GVGAI's examples/gridphysics (or the like)")
    parser.add_argument("--steps", type=int, default=300, help="steps per episode at most (300)")
    parser.add_argument("--seeds", type=int, default=2, help="episodes per level (2)")
    parser.add_argument("--top", type=int, help="list only this many pieces (all)")
    parser.add_argument("--out", type=Path, help="write the markdown report here (stdout)")
    parser.add_argument("--csv", type=Path, help="write one row per game here")
    parser.add_argument("--force", action="store_true", help="overwrite --out and --csv")
    args = parser.parse_args(argv)
    try:
        if not args.folder.is_dir():
            raise OutputError(f"{args.folder} is not a folder")
        if args.steps < 1 or args.seeds < 1 or (args.top is not None and args.top < 1):
            raise OutputError("--steps, --seeds and --top must be at least 1")
        targets = [p for p in (args.out, args.csv) if p is not None]
        if len(set(targets)) < len(targets):
            raise OutputError("--out and --csv must be different files")
        check_targets(targets, force=args.force)
        if not game_files(args.folder):
            raise OutputError(f"no game files (*.txt) in {args.folder}")
    except OutputError as err:
        print(f"vgdl_reach.py: error: {err}", file=sys.stderr)
        return 2
    reports = survey(args.folder, args.steps, args.seeds)
    text = markdown(reports, args.folder, args.steps, args.seeds, args.top)
    if args.out:
        save_atomically(args.out, lambda tmp: tmp.write_text(text))
    else:
        sys.stdout.write(text)
    if args.csv:
        write_csv(args.csv, reports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
