"""The CPC head: the maths on toys, the episode masking and the GRU resets."""

import math

import pytest
import torch as th
from torch import nn

from gvgai_agents.cpc import CPCHead, same_episode_pairs


def rotating_sequences(steps: int, batch: int, size: int, rotation: th.Tensor) -> th.Tensor:
    """``(steps, batch, size)``: random starts, each next vector the last one rotated."""
    vectors = [th.randn(batch, size)]
    for _ in range(steps - 1):
        vectors.append(vectors[-1] @ rotation)
    return th.stack(vectors)


def test_loss_falls_well_below_chance_on_predictable_sequences():
    th.manual_seed(0)
    steps, batch, size = 8, 16, 8
    rotation = th.linalg.qr(th.randn(size, size))[0]
    encoder = nn.Linear(size, 16)
    head = CPCHead(16, horizons=3, context_dim=32)
    optimizer = th.optim.Adam([*encoder.parameters(), *head.parameters()], lr=1e-2)
    no_starts = th.zeros(steps, batch)
    chance = math.log(steps * batch)

    first = head(encoder(rotating_sequences(steps, batch, size, rotation)), no_starts)
    for _ in range(150):
        out = head(encoder(rotating_sequences(steps, batch, size, rotation)), no_starts)
        optimizer.zero_grad()
        out.loss.backward()
        optimizer.step()
    with th.no_grad():
        last = head(encoder(rotating_sequences(steps, batch, size, rotation)), no_starts)

    assert first.loss.item() == pytest.approx(chance, abs=0.5)
    assert last.loss.item() < chance / 2
    assert last.accuracy.shape == (3,)
    assert (last.accuracy > 0.3).all()  # chance is 1/128
    assert (last.accuracy > first.accuracy).all()


def test_pairs_crossing_an_episode_start_are_left_out():
    starts = th.tensor([[1, 0], [0, 0], [0, 1], [1, 0], [0, 0]])
    assert same_episode_pairs(starts, 1).tolist() == [
        [True, True], [True, False], [False, True], [True, True],
    ]
    assert same_episode_pairs(starts, 2).tolist() == [[True, False], [False, False], [False, True]]


def test_only_same_episode_pairs_are_scored():
    """With an episode start at every step there is nothing to predict; with one start in
    the middle, the horizon that would always cross it has no pairs either."""
    head = CPCHead(4, horizons=2, context_dim=4)
    latents = th.randn(4, 3, 4, requires_grad=True)
    every_step = head(latents, th.ones(4, 3))
    assert th.isnan(every_step.accuracy).all()
    every_step.loss.backward()  # still a graph: a train step without pairs must not crash

    starts = th.zeros(4, 3)
    starts[2] = 1  # episodes 0-1 and 2-3: k=1 pairs exist (0->1, 2->3), k=2 would cross
    out = head(latents, starts)
    assert not th.isnan(out.accuracy[0])
    assert th.isnan(out.accuracy[1])
    assert out.loss.item() == pytest.approx(out.loss_per_horizon[0].item())


def test_context_restarts_at_episode_start():
    head = CPCHead(4, horizons=1, context_dim=6)
    latents = th.randn(5, 2, 4)
    starts = th.zeros(5, 2)
    starts[3, 0] = 1
    changed = latents.clone()
    changed[:3] += 1.0  # change everything before the start at t=3

    before, after = head.contexts(latents, starts), head.contexts(changed, starts)
    assert th.allclose(before[3:, 0], after[3:, 0])  # the new episode never saw the change
    assert not th.allclose(before[3:, 1], after[3:, 1])  # the other column carries it on


def test_sequences_must_be_longer_than_the_horizon():
    with pytest.raises(ValueError, match="longer than K"):
        CPCHead(4, horizons=4)(th.randn(4, 2, 4), th.zeros(4, 2))
