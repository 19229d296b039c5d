"""A2C with an auxiliary CPC loss on each rollout: ``loss = A2C loss + cpc_weight * CPC``."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch as th
from stable_baselines3 import A2C
from stable_baselines3.common.buffers import RolloutBuffer
from stable_baselines3.common.policies import ActorCriticPolicy
from stable_baselines3.common.type_aliases import RolloutBufferSamples, Schedule
from stable_baselines3.common.vec_env import VecNormalize

from gvgai_agents.auxiliary import CPCPolicyMixin, backward_after_zero_grad, record_cpc
from gvgai_agents.cpc import CPCOutput


class StorageOrderRolloutBuffer(RolloutBuffer):
    """A rollout buffer whose batches keep storage order instead of a random one.

    After ``get()`` the buffer is flattened env-major: row ``env * n_steps + t``. A2C takes
    the whole rollout as one batch, whose gradient does not depend on the order; keeping it
    lets CPC reuse that batch's features in time order instead of running the encoder again.
    """

    def _get_samples(self, batch_inds: np.ndarray,
                     env: VecNormalize | None = None) -> RolloutBufferSamples:
        return super()._get_samples(np.sort(batch_inds), env)


class CPCActorCriticPolicy(CPCPolicyMixin, ActorCriticPolicy):
    """Actor-critic policy with a CPC head on its (policy) features.

    Extra keyword arguments: ``cpc_horizons`` (K, default 4), ``cpc_context_dim`` (default 128).
    """

    latest_latents: th.Tensor | None = None
    """Policy features ``(batch, features_dim)`` of the latest forward pass, with their graph."""

    def _build(self, lr_schedule: Schedule) -> None:
        # The head must exist before ActorCriticPolicy._build creates the optimizer over
        # self.parameters(), so that the optimizer (and SB3's gradient clipping) include it.
        self.cpc = self.make_cpc_head(self.features_dim)
        super()._build(lr_schedule)

    def extract_features(self, obs: th.Tensor, features_extractor: Any = None) -> Any:
        features = super().extract_features(obs, features_extractor)
        self.latest_latents = features[0] if isinstance(features, tuple) else features
        return features


class A2CCPC(A2C):
    """A2C whose every update also minimises ``cpc_weight`` times the CPC loss of the rollout.

    CPC sees the rollout in time order, ``(n_steps, n_envs)``, with SB3's episode starts, so it
    needs ``n_steps > cpc_horizons``. Its latents are the features A2C's own update computes
    (see :class:`StorageOrderRolloutBuffer`) and the encoder is backpropagated once for both
    losses, so CPC itself costs only the GRU and the predictions.
    All other arguments are :class:`A2C`'s; the policy must be a :class:`CPCActorCriticPolicy`
    (the default).
    """

    policy_aliases = {"CPCPolicy": CPCActorCriticPolicy}

    def __init__(
        self,
        policy: str | type[CPCActorCriticPolicy] = CPCActorCriticPolicy,
        env: Any = None,
        cpc_weight: float = 1.0,
        **kwargs: Any,
    ) -> None:
        if cpc_weight < 0:
            raise ValueError(f"cpc_weight must be non-negative, got {cpc_weight}")
        self.cpc_weight = cpc_weight
        kwargs.setdefault("rollout_buffer_class", StorageOrderRolloutBuffer)
        super().__init__(policy, env, **kwargs)

    def _setup_model(self) -> None:
        super()._setup_model()
        if not isinstance(self.policy, CPCActorCriticPolicy):
            raise TypeError(f"A2CCPC needs a CPCActorCriticPolicy, got {type(self.policy)}")
        if not isinstance(self.rollout_buffer, StorageOrderRolloutBuffer):
            raise TypeError("A2CCPC needs a StorageOrderRolloutBuffer, got "
                            f"{type(self.rollout_buffer)}")
        if self.n_steps <= self.policy.cpc_horizons:
            raise ValueError(
                f"n_steps ({self.n_steps}) must exceed the CPC horizons "
                f"({self.policy.cpc_horizons}): CPC predicts up to K steps ahead in a rollout"
            )

    def time_major(self, rows: th.Tensor) -> th.Tensor:
        """Rows in the flattened buffer's order ``(n_envs * n_steps, ...)`` to time order
        ``(n_steps, n_envs, ...)``."""
        return rows.view(self.n_envs, self.n_steps, *rows.shape[1:]).transpose(0, 1)

    def train(self) -> None:
        # (n_steps, n_envs): taken before A2C.train() flattens the buffer.
        episode_starts = th.as_tensor(self.rollout_buffer.episode_starts, device=self.device)
        outputs: list[CPCOutput] = []

        def add_cpc_gradient() -> None:
            # A2C.train() has just evaluated the whole rollout in storage order. CPC's gradient
            # is taken down to those latents only, and a hook adds it to the A2C gradient
            # flowing through them, so the encoder is backpropagated once, for both losses.
            latents = self.policy.latest_latents
            cpc_latents = latents.detach().requires_grad_()
            output = self.policy.cpc(self.time_major(cpc_latents), episode_starts)
            (self.cpc_weight * output.loss).backward()
            latents.register_hook(lambda grad: grad + cpc_latents.grad)
            outputs.append(output)

        with backward_after_zero_grad(self.policy.optimizer, add_cpc_gradient):
            super().train()
        record_cpc(self.logger, outputs)
