"""One running game: the sprite stores and the tick (Java: ``core.game.Game.gameCycle``).

Sprites of static types (they never update and no effect moves them) live in a per-type cell
index and never enter the per-tick loops; the few moving sprites live in per-type lists.
Collisions between a moving sprite and static ones are at most four dictionary look-ups.

Sprites may leave the level or be created outside it (docs/engine.md, "Sprites outside the
level"): like Java GVGAI they live on, collide with whatever they overlap there and count for
terminations, but no observation shows them. A static sprite created off the cell grid is kept
in its type's moving-sprite list (a "stray"), which no update loop visits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gvgai_py.engine.compiler import ACTION_DIRECTIONS, CompiledEffect, CompiledGame
from gvgai_py.engine.sprites import Sprite, move_passively

INDEX_WORTH_IT = 64
"""Build a cell index for a moving second type when (first sprites x second sprites) exceeds
this; below it, comparing every pair is cheaper."""
_NO_INDEXES: dict[int, dict[int, list[Sprite]]] = {}
"""Shared by every effect that builds no index (never written to)."""
_NO_KEYS: list[int] = []
"""The cells a sprite wholly outside the level overlaps (shared, never written to)."""


@dataclass(frozen=True, eq=False)
class LevelLayout:
    """A level resolved against a compiled game, built once and shared by all its episodes.

    Static sprites are created here, once: every episode starts from the same cell index and
    shares those sprite records until an effect touches one (see :meth:`Game.own`), so a reset
    only creates the few moving sprites.
    """

    game: CompiledGame
    rows: int
    cols: int
    static_cells: tuple[dict[int, tuple[Sprite, ...]], ...]
    """Per type id: cell index (row * cols + col) -> the static sprites there."""
    static_present: tuple[int, ...]
    static_obs: np.ndarray
    moving_placements: tuple[tuple[int, int, int, int], ...]
    """(uid, type id, x, y) of the moving sprites, in creation order."""
    next_uid: int
    cell_keys_cache: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    """Memo of :meth:`Game.cell_keys` by pixel position, shared by the level's episodes."""

    @classmethod
    def from_rows(cls, game: CompiledGame, rows: list[str]) -> LevelLayout:
        """Create one sprite per legend entry of every cell, in reading order (Java:
        ``BasicGame.buildStringLevel``)."""
        block, n_types = game.block, len(game.types)
        n_rows, n_cols = len(rows), len(rows[0]) if rows else 0
        cells: list[dict[int, tuple[Sprite, ...]]] = [{} for _ in range(n_types)]
        present = [0] * n_types
        static_obs = np.zeros((n_types, n_rows, n_cols), dtype=np.uint8)
        moving = []
        uid = 0
        for r, line in enumerate(rows):
            for c, char in enumerate(line):
                for tid in game.legend[char]:
                    stype = game.types[tid]
                    if stype.singleton and present[tid]:
                        continue
                    present[tid] += 1
                    if stype.static:
                        sprite = Sprite(stype, uid, c * block, r * block)
                        sprite.shared = True
                        key = r * n_cols + c
                        cells[tid][key] = cells[tid].get(key, ()) + (sprite,)
                        static_obs[tid, r, c] = 1
                    else:
                        moving.append((uid, tid, c * block, r * block))
                    uid += 1
        static_obs.flags.writeable = False
        return cls(
            game, n_rows, n_cols, tuple(cells), tuple(present), static_obs, tuple(moving), uid
        )


class Game:
    """The state of one episode and the rules that advance it one tick at a time.

    Args:
        layout: the level to play.
        rng: the episode's only source of randomness.
        max_ticks: if given, the game ends as a loss (unless won) after the tick whose index
            reaches it, like the Java planning track (``Game.checkTimeOut``). Gymnasium
            environments leave it ``None`` and truncate instead.
    """

    def __init__(
        self, layout: LevelLayout, rng: np.random.Generator, max_ticks: int | None = None
    ) -> None:
        game = layout.game
        self.compiled = game
        self.layout = layout
        self.rng = rng
        self.max_ticks = max_ticks
        self.block = game.block
        self.rows, self.cols = layout.rows, layout.cols
        self.width_px, self.height_px = layout.cols * game.block, layout.rows * game.block
        self.types = game.types
        self.cells: list[dict[int, tuple[Sprite, ...]]] = list(layout.static_cells)
        """Per type id: cell index -> static sprites. A type's dict may be shared with the layout
        or with clones until this game changes it (see ``_writable_cells``)."""
        self._owns_cells = [False] * len(game.types)
        self._private_statics = [0] * len(game.types)
        """Per type id: static sprite records private to this game (created or owned by it)."""
        self.present = list(layout.static_present)
        """Sprites of each type in the stores, killed-this-tick ones included until cleanup."""
        self.static_obs = layout.static_obs.copy()
        self.dynamic: list[list[Sprite]] = [[] for _ in game.types]
        self.avatar: Sprite | None = None
        for uid, tid, x, y in layout.moving_placements:
            sprite = Sprite(game.types[tid], uid, x, y)
            self.dynamic[tid].append(sprite)
            if sprite.type.is_avatar:
                self.avatar = sprite
        self.killed: list[Sprite] = []
        self.shields: set[tuple[int, int, str]] = set()
        self._statics_created = 0
        """Static sprites created so far (overlaps between static sprites change only then)."""
        self._statics_apart: dict[CompiledEffect, int] = {}
        """Effects between static types that found no overlap, with ``_statics_created`` then:
        until it changes they cannot find one."""
        self._cell_keys_cache = layout.cell_keys_cache
        self._next_uid = layout.next_uid
        self.tick = 0
        """Ticks played so far; the next tick has this index."""
        self.score = 0.0
        self.won = self.lost = self.ended = False

    # ------------------------------------------------------------------ sprites
    def create(self, tid: int, x: int, y: int) -> Sprite | None:
        """Create a sprite of type ``tid``; ``None`` if a singleton type already has one."""
        stype = self.types[tid]
        if stype.singleton and self.present[tid]:
            return None
        sprite = Sprite(stype, self._next_uid, x, y)
        self._next_uid += 1
        self.present[tid] += 1
        if stype.static:
            self._statics_created += 1
            if not self._on_grid(x, y):
                # Java GVGAI's Game.addSprite puts a sprite anywhere, and Game.eventHandling
                # collides every pair by rectangle: so a static sprite off the grid (a diamond
                # a butterfly left outside a borderless level) lives on as a stray.
                self.dynamic[tid].append(sprite)
                return sprite
            block = self.block
            row, col = y // block, x // block
            key = row * self.cols + col
            cells = self._writable_cells(tid)
            cells[key] = cells.get(key, ()) + (sprite,)
            self._private_statics[tid] += 1
            self.static_obs[tid, row, col] = 1
        else:
            self.dynamic[tid].append(sprite)
        return sprite

    def _on_grid(self, x: int, y: int) -> bool:
        """Whether (x, y) is the corner of a cell of the level (where the cell index holds
        static sprites); a static sprite elsewhere is a stray."""
        block = self.block
        return not (x % block or y % block) and 0 <= x < self.width_px and 0 <= y < self.height_px

    def own(self, sprite: Sprite) -> Sprite:
        """This game's private record of a static sprite shared with the level layout.

        Effects call it before changing a sprite (its kill flag, its resources), so that
        changes never leak into other episodes; ``sprite`` itself if it is private already.
        """
        if not sprite.shared:
            return sprite
        private = sprite.copy()
        private.shared = False
        key = (sprite.y // self.block) * self.cols + sprite.x // self.block
        cells = self._writable_cells(sprite.tid)
        cells[key] = tuple(private if s is sprite else s for s in cells[key])
        self._private_statics[sprite.tid] += 1
        return private

    def _writable_cells(self, tid: int) -> dict[int, tuple[Sprite, ...]]:
        """The cell dict of one static type, copied first if it is shared."""
        if not self._owns_cells[tid]:
            self.cells[tid] = dict(self.cells[tid])
            self._owns_cells[tid] = True
        return self.cells[tid]

    def kill(self, sprite: Sprite) -> None:
        """Mark for removal at cleanup; the avatar is only disabled (Java: ``Game.killSprite``)."""
        if sprite is self.avatar:
            sprite.disabled = True
            return
        sprite = self.own(sprite)
        if not sprite.killed:
            sprite.killed = True
            self.killed.append(sprite)

    def replace(self, old: Sprite, new: Sprite) -> None:
        """``new`` takes ``old``'s place (transformTo); an avatar stays the avatar."""
        if old is self.avatar:
            self.avatar = new
        if not old.killed:
            old.killed = True
            self.killed.append(old)

    def sprites(self, tid: int) -> list[Sprite]:
        """All present sprites of one leaf type, in creation order."""
        if self.types[tid].static:
            found = [s for group in self.cells[tid].values() for s in group]
            found += self.dynamic[tid]  # strays
            found.sort(key=_uid)
            return found
        return list(self.dynamic[tid])

    def count(self, tids: tuple[int, ...]) -> int:
        """Live, non-disabled sprites of the given types (what terminations count)."""
        total = sum(self.present[t] for t in tids)
        avatar = self.avatar
        if avatar is not None and avatar.disabled and avatar.tid in tids:
            total -= 1
        return total

    def cell_keys(self, x: int, y: int) -> list[int]:
        """Indices (row * cols + col) of the in-level cells a sprite at (x, y) overlaps.

        The result is shared (memoised per level): do not modify it.
        """
        keys = self._cell_keys_cache.get((x, y))
        if keys is None:
            block, cols = self.block, self.cols
            # Positions wholly outside the level (a sprite that left it) overlap no cell and
            # are not memoised, so the memo stays as small as the level.
            if x <= -block or y <= -block or x >= self.width_px or y >= self.height_px:
                return _NO_KEYS
            col0, row0 = x // block, y // block
            col1, row1 = (x + block - 1) // block, (y + block - 1) // block
            keys = [
                r * cols + c
                for r in range(max(row0, 0), min(row1, self.rows - 1) + 1)
                for c in range(max(col0, 0), min(col1, cols - 1) + 1)
            ]
            self._cell_keys_cache[(x, y)] = keys
        return keys

    # ------------------------------------------------------------------ the tick
    def step(self, action: str) -> None:
        """Play one tick with the avatar action ``action`` (a name from ``compiled.actions``)."""
        avatar = self.avatar
        if avatar is not None and not avatar.disabled:
            avatar.last_x, avatar.last_y = avatar.x, avatar.y
            avatar.ticks_since_move += 1
            avatar.type.sprite_class.act(self, avatar, ACTION_DIRECTIONS[action], action == "USE")
        self._update_sprites()
        for effect in self.compiled.eos_effects:
            self._run_eos_effect(effect)
        for effect in self.compiled.pair_effects:
            self._run_pair_effect(effect)
        self._cleanup()
        self._check_terminations()
        if not self.ended and self.max_ticks is not None and self.tick >= self.max_ticks:
            self.ended = self.lost = True
        self.tick += 1

    def _update_sprites(self) -> None:
        """Every non-avatar moving sprite once, last-defined type first (Java: ``Game.tick``)."""
        types, dynamic = self.types, self.dynamic
        for tid in self.compiled.update_order:
            group = dynamic[tid]
            if not group:
                continue
            sprite_class = types[tid].sprite_class
            if sprite_class.passive:  # creates nothing, so the group stays as it is
                for sprite in group:
                    sprite.last_x = sprite.x
                    sprite.last_y = sprite.y
                    sprite.ticks_since_move += 1
                move_passively(group)
            else:
                update = sprite_class.update
                for i in range(len(group)):  # ``update`` may add sprites to the group
                    sprite = group[i]
                    sprite.last_x = sprite.x
                    sprite.last_y = sprite.y
                    sprite.ticks_since_move += 1
                    if update is not None:
                        update(self, sprite)
            if types[tid].forget_offscreen:
                self._forget_offscreen(tid)

    def _forget_offscreen(self, tid: int) -> None:
        """Drop the sprites of ``tid`` gone for good: wholly outside the level beyond the edge
        they fly away from. Only while every sprite they have a rule with is wholly inside the level
        (on a borderless level an avatar may be out there): as those are no faster (see
        ``CompiledGame.forget_partners``), they can then never meet a dropped sprite."""
        group, block = self.dynamic[tid], self.block
        width, height = self.width_px, self.height_px
        kept = [
            s for s in group
            if not (
                (s.dx < 0 and s.x <= -block) or (s.dx > 0 and s.x >= width)
                or (s.dy < 0 and s.y <= -block) or (s.dy > 0 and s.y >= height)
            )
        ]
        if len(kept) == len(group):
            return
        for partner in self.compiled.forget_partners[tid]:
            for s in self.dynamic[partner]:  # static sprites are inside, unless strays here
                if not (0 <= s.x <= width - block and 0 <= s.y <= height - block):
                    return
        self.present[tid] -= len(group) - len(kept)
        self.dynamic[tid] = kept

    def _run_eos_effect(self, effect: CompiledEffect) -> None:
        width, height, block = self.width_px, self.height_px, self.block
        apply, score = effect.apply, effect.score
        for tid in effect.first:
            for sprite in list(self.dynamic[tid]):
                if sprite.killed or sprite.disabled:
                    continue
                x, y = sprite.x, sprite.y
                if x < 0 or y < 0 or x + block > width or y + block > height:
                    if apply(self, sprite, None) and score:
                        self.score += score

    def _run_pair_effect(self, effect: CompiledEffect) -> None:
        present = self.present
        # Most pairs have no sprite on one side on most ticks: leave before any allocation.
        for tid in effect.second:
            if present[tid]:
                break
        else:
            return
        for tid in effect.first:
            if present[tid]:
                break
        else:
            return
        if effect.between_statics and self._statics_apart.get(effect) == self._statics_created:
            return
        firsts = self._first_sprites(effect)
        if effect.between_statics and not firsts:
            self._statics_apart[effect] = self._statics_created
        if effect.skips_unmoved:
            firsts = [a for a in firsts if a.x != a.last_x or a.y != a.last_y]
        if not firsts:
            return
        block, shields, apply, score = self.block, self.shields, effect.apply, effect.score
        name, second = effect.name, effect.second
        indexes = {
            tid: self._moving_index(tid)
            for tid in effect.indexable
            if present[tid] * len(firsts) > INDEX_WORTH_IT
        } if effect.indexable else _NO_INDEXES
        for a in firsts:
            if a.killed:
                continue
            for b in self._overlapping(a, second, indexes):
                if a.killed:
                    break
                if abs(a.x - b.x) >= block or abs(a.y - b.y) >= block:
                    continue
                if shields and (a.tid, b.tid, name) in shields:
                    continue
                if apply(self, a, b) and score:
                    self.score += score

    def _first_sprites(self, effect: CompiledEffect) -> list[Sprite]:
        """The first-type sprites an effect may apply to, in type then creation order.

        Static first sprites are found from the second side (usually a few moving sprites)
        through the cell index instead of scanning every static sprite.
        """
        present, types = self.present, self.types
        firsts: list[Sprite] = []
        for tid in effect.first:
            if not present[tid]:
                continue
            if not types[tid].static:
                firsts.extend(self.dynamic[tid])
                continue
            cells = self.cells[tid]
            keys: set[int] = set()
            for other in effect.second:
                if not present[other]:
                    continue
                if types[other].static:
                    keys.update(k for k in self.cells[other] if k in cells)
                for b in self.dynamic[other]:  # moving sprites, or static strays
                    keys.update(self.cell_keys(b.x, b.y))
            near = [s for k in keys if k in cells for s in cells[k]]
            near += self.dynamic[tid]  # strays, which the cell index cannot find
            near.sort(key=_uid)
            # Effects change their first sprite: give this game its own records of them.
            firsts.extend([self.own(s) for s in near])
        return firsts

    def _moving_index(self, tid: int) -> dict[int, list[Sprite]]:
        """Moving sprites of one type by the cells they overlap now or at the start of the tick.

        Within one effect a sprite only moves back to its start-of-tick place (see
        ``CompiledEffect.indexable``), so the index stays a superset of the true overlaps.
        """
        index: dict[int, list[Sprite]] = {}
        for sprite in self.dynamic[tid]:
            keys = self.cell_keys(sprite.x, sprite.y)
            if sprite.last_x != sprite.x or sprite.last_y != sprite.y:
                keys = set(keys).union(self.cell_keys(sprite.last_x, sprite.last_y))
            for key in keys:
                group = index.get(key)
                if group is None:
                    index[key] = [sprite]
                else:
                    group.append(sprite)
        return index

    def _overlapping(
        self,
        a: Sprite,
        second: tuple[int, ...],
        indexes: dict[int, dict[int, list[Sprite]]],
    ) -> list[Sprite]:
        """Sprites of the ``second`` types overlapping ``a`` now, killed-this-tick ones included,
        in type order, then creation order."""
        present, types, block, dynamic = self.present, self.types, self.block, self.dynamic
        x, y = a.x, a.y
        found: list[Sprite] = []
        keys = None
        # The cell index only covers the level: an overlap that lies wholly outside it (a
        # sprite carried off-screen: docs/engine.md, "Sprites outside the level") is found by
        # comparing every pair instead.
        if indexes and not (
            0 <= x and 0 <= y and x + block <= self.width_px and y + block <= self.height_px
        ):
            indexes = {}
        for tid in second:
            if not present[tid]:
                continue
            static = types[tid].static
            start = len(found)
            if static or tid in indexes:
                if keys is None:
                    keys = self.cell_keys(x, y)
                cells = self.cells[tid] if static else indexes[tid]
                for key in keys:
                    group = cells.get(key)
                    if group:
                        found.extend(group)
                if not static:
                    near = found[start:]
                    if len(near) > 1:  # a sprite between cells is listed under each of them
                        near = sorted(set(near), key=_uid)
                    found[start:] = [b for b in near if b is not a]
                    continue
                if not dynamic[tid]:
                    continue
            # Moving sprites unindexed, and a static type's strays: compare every pair.
            for b in dynamic[tid]:
                if b is not a and -block < b.x - x < block and -block < b.y - y < block:
                    found.append(b)
            if static and len(found) - start > 1:
                found[start:] = sorted(found[start:], key=_uid)
        return found

    def _cleanup(self) -> None:
        for sprite in self.killed:
            tid = sprite.tid
            self.present[tid] -= 1
            if sprite.type.static and self._on_grid(sprite.x, sprite.y):
                row, col = sprite.y // self.block, sprite.x // self.block
                key = row * self.cols + col
                cells = self._writable_cells(tid)
                self._private_statics[tid] -= 1  # only private records are ever killed
                group = tuple(s for s in cells[key] if s is not sprite)
                if group:
                    cells[key] = group
                else:
                    del cells[key]
                    self.static_obs[tid, row, col] = 0
            else:
                self.dynamic[tid].remove(sprite)
        self.killed.clear()
        self.shields.clear()

    def _check_terminations(self) -> None:
        for term in self.compiled.terminations:
            if term.timeout:
                holds = self.tick >= term.limit
            else:
                n = self.count(term.tids)
                holds = (n == term.limit) if term.exact else (n <= term.limit)
            if holds:
                self.ended = True
                self.won, self.lost = term.win, not term.win
                return

    # ------------------------------------------------------------------ views
    def symbolic(self) -> np.ndarray:
        """One-hot ``(types, rows, cols)`` uint8: a sprite marks every cell it overlaps."""
        obs = self.static_obs.copy()
        cols = self.cols
        for tid, group in enumerate(self.dynamic):
            for s in group:
                for key in self.cell_keys(s.x, s.y):
                    obs[tid, key // cols, key % cols] = 1
        return obs

    def clone(self) -> Game:
        """An independent copy of the whole state, RNG included: replaying the same actions on
        the copy and on the original gives the same results."""
        copy = Game.__new__(Game)
        copy.__dict__.update(self.__dict__)
        twins: dict[int, Sprite] = {}

        def twin(sprite: Sprite) -> Sprite:
            clone = sprite.copy()
            twins[sprite.uid] = clone
            return clone

        def twin_or_shared(sprite: Sprite) -> Sprite:
            return sprite if sprite.shared else twin(sprite)

        copy.dynamic = [[twin(s) for s in group] for group in self.dynamic]
        # Records still shared with the layout are immutable, so a type's cell dict that holds
        # only those is shared by both games, each copying it before its first change.
        copy.cells = list(self.cells)
        copy._owns_cells = [False] * len(self.cells)
        for tid, cells in enumerate(self.cells):
            if self._private_statics[tid]:
                copy.cells[tid] = {k: tuple(map(twin_or_shared, g)) for k, g in cells.items()}
                copy._owns_cells[tid] = True
            else:
                self._owns_cells[tid] = False
        copy._private_statics = list(self._private_statics)
        copy.present = list(self.present)
        copy.static_obs = self.static_obs.copy()
        copy.killed = [twins[s.uid] for s in self.killed]
        copy.shields = set(self.shields)
        copy._statics_apart = dict(self._statics_apart)
        copy.avatar = twins.get(self.avatar.uid) if self.avatar is not None else None
        bit_generator = type(self.rng.bit_generator)()
        bit_generator.state = self.rng.bit_generator.state
        copy.rng = np.random.Generator(bit_generator)
        return copy


def _uid(sprite: Sprite) -> int:
    return sprite.uid
