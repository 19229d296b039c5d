"""Contrastive Predictive Coding as an auxiliary loss (van den Oord et al. 2018, section 2).

The agent's own features extractor is the encoder: ``z_t = encoder(o_t)``. A GRU summarises
``z_1..z_t`` into a context ``c_t`` (restarted at every episode start), and for each horizon
``k = 1..K`` a linear map ``W_k`` predicts ``z_{t+k}`` from ``c_t``. The score of a candidate
latent ``z`` is ``z . W_k c_t``; InfoNCE is the cross-entropy of picking the true ``z_{t+k}``
among *every* latent of the batch (``N = T * B`` candidates, so chance level is ``log N``).
Pairs whose target lies in a later episode than the context are left out.
"""

from __future__ import annotations

from typing import NamedTuple

import torch as th
import torch.nn.functional as F
from torch import nn


class CPCOutput(NamedTuple):
    """The CPC loss of one batch.

    ``loss``: scalar, the mean over horizons of the per-horizon InfoNCE (only horizons with at
    least one valid pair count). ``loss_per_horizon`` and ``accuracy``: shape ``(K,)``, index
    ``k - 1`` for horizon ``k``; ``accuracy`` is top-1 (the true latent scores highest among
    all ``N``), ``nan`` for a horizon without valid pairs.
    """

    loss: th.Tensor
    loss_per_horizon: th.Tensor
    accuracy: th.Tensor


def same_episode_pairs(episode_starts: th.Tensor, horizon: int) -> th.Tensor:
    """Which ``(t, t + horizon)`` pairs lie in one episode.

    :param episode_starts: ``(T, B)``, nonzero where ``o_t`` is the first observation of an
        episode (SB3's ``episode_starts``).
    :return: bool ``(T - horizon, B)``; entry ``[t, b]`` is True when no episode starts at any
        of ``t + 1 .. t + horizon`` in column ``b``.
    """
    episode_index = (episode_starts != 0).long().cumsum(dim=0)
    return episode_index[horizon:] == episode_index[:-horizon]


class CPCHead(nn.Module):
    """GRU context and one linear predictor per horizon, over latents of size ``latent_dim``.

    :param latent_dim: size of ``z_t`` (the features extractor's ``features_dim``).
    :param horizons: ``K``, the number of future steps predicted.
    :param context_dim: size of the GRU state ``c_t``.
    """

    def __init__(self, latent_dim: int, horizons: int = 4, context_dim: int = 128) -> None:
        super().__init__()
        if horizons < 1:
            raise ValueError(f"CPC needs at least one horizon, got {horizons}")
        self.horizons = horizons
        self.gru = nn.GRU(latent_dim, context_dim)
        self.predictors = nn.ModuleList(
            nn.Linear(context_dim, latent_dim, bias=False) for _ in range(horizons)
        )

    def contexts(self, latents: th.Tensor, episode_starts: th.Tensor) -> th.Tensor:
        """``c_t`` for every step: ``(T, B, latent_dim)``, ``(T, B)`` -> ``(T, B, context_dim)``.

        The state is zeroed before an episode's first latent, so ``c_t`` only sees its episode.
        The GRU runs over the stretches between the steps where some column restarts, which
        are few: much faster than stepping a GRU cell through every step.
        """
        steps, batch, _ = latents.shape
        restarts = th.nonzero(episode_starts[1:].any(dim=1)).flatten() + 1
        bounds = [0, *restarts.tolist(), steps]
        keep = 1.0 - episode_starts.to(latents.dtype)
        state = latents.new_zeros(1, batch, self.gru.hidden_size)
        contexts = []
        for start, end in zip(bounds[:-1], bounds[1:], strict=True):
            stretch, state = self.gru(latents[start:end], state * keep[start].view(1, batch, 1))
            contexts.append(stretch)
        return th.cat(contexts)

    def forward(self, latents: th.Tensor, episode_starts: th.Tensor) -> CPCOutput:
        """InfoNCE over a time-major batch.

        :param latents: ``(T, B, latent_dim)``, ``z_t`` of ``B`` sequences in time order.
        :param episode_starts: ``(T, B)``, nonzero where ``o_t`` begins an episode.
        """
        steps, batch, latent_dim = latents.shape
        if steps <= self.horizons:
            raise ValueError(f"CPC with K={self.horizons} needs sequences longer than K steps")
        contexts = self.contexts(latents, episode_starts)
        candidates = latents.reshape(steps * batch, latent_dim)  # row t * B + b holds z_t of b
        target_rows = th.arange(steps * batch, device=latents.device).view(steps, batch)
        losses, accuracies = [], []
        for k, predictor in enumerate(self.predictors, start=1):
            valid = same_episode_pairs(episode_starts, k)
            predictions = predictor(contexts[:-k][valid])  # (pairs, latent_dim)
            if predictions.shape[0] == 0:
                losses.append(latents.new_tensor(float("nan")))
                accuracies.append(latents.new_tensor(float("nan")))
                continue
            logits = predictions @ candidates.T  # (pairs, N)
            targets = target_rows[k:][valid]
            losses.append(F.cross_entropy(logits, targets))
            accuracies.append((logits.argmax(dim=1) == targets).float().mean().detach())
        loss_per_horizon = th.stack(losses)
        has_pairs = ~th.isnan(loss_per_horizon)
        loss = loss_per_horizon[has_pairs].mean() if has_pairs.any() else latents.sum() * 0.0
        return CPCOutput(loss, loss_per_horizon.detach(), th.stack(accuracies))
