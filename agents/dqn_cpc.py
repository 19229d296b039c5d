"""DQN with an auxiliary CPC loss on contiguous windows drawn from its replay buffer."""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np
import torch as th
from stable_baselines3 import DQN
from stable_baselines3.common.buffers import ReplayBuffer
from stable_baselines3.common.type_aliases import Schedule
from stable_baselines3.dqn.policies import DQNPolicy

from gvgai_agents.auxiliary import CPCPolicyMixin, backward_after_zero_grad, record_cpc
from gvgai_agents.cpc import CPCOutput


class WindowReplayBuffer(ReplayBuffer):
    """A replay buffer that can also sample windows of consecutive observations of one env.

    A window never spans the write position (where the newest data meets the oldest) nor an
    episode end, so its observations are one uninterrupted stretch of one episode.
    """

    MAX_DRAWS = 8
    """Rounds of rejection sampling before :meth:`sample_windows` returns what it found."""

    def sample_windows(self, n_windows: int, length: int) -> th.Tensor:
        """Observations ``(length, n, *obs_shape)`` in time order, ``n <= n_windows``.

        Candidate windows are drawn uniformly and those containing an episode end are
        rejected; after :attr:`MAX_DRAWS` rounds, fewer windows (maybe none) come back.
        """
        filled = self.buffer_size if self.full else self.pos
        oldest = self.pos if self.full else 0
        offsets = np.arange(length)
        found: list[tuple[np.ndarray, np.ndarray]] = []
        n_found = 0
        for _ in range(self.MAX_DRAWS):
            if n_found >= n_windows or filled < length:
                break
            # Starts counted from the oldest entry, so that no window wraps past the newest.
            starts = np.random.randint(0, filled - length + 1, size=2 * n_windows)
            envs = np.random.randint(0, self.n_envs, size=2 * n_windows)
            rows = (oldest + starts[:, None] + offsets) % self.buffer_size  # (candidates, length)
            # dones[t] ends the episode after o_t: only a window's last step may end one.
            uninterrupted = ~self.dones[rows[:, :-1], envs[:, None]].any(axis=1)
            found.append((rows[uninterrupted], envs[uninterrupted]))
            n_found += int(uninterrupted.sum())
        if not found:
            return self.to_torch(np.empty((length, 0, *self.obs_shape), self.observations.dtype))
        rows = np.concatenate([r for r, _ in found])[:n_windows]
        envs = np.concatenate([e for _, e in found])[:n_windows]
        windows = self.observations[rows, envs[:, None]]  # (n, length, *obs_shape)
        return self.to_torch(np.ascontiguousarray(windows.swapaxes(0, 1)))


class CPCDQNPolicy(CPCPolicyMixin, DQNPolicy):
    """DQN policy with a CPC head on the online Q-network's features extractor.

    Extra keyword arguments: ``cpc_horizons`` (K, default 4), ``cpc_context_dim`` (default 128).
    """

    def _build(self, lr_schedule: Schedule) -> None:
        super()._build(lr_schedule)
        self.cpc = self.make_cpc_head(self.q_net.features_dim)
        # DQNPolicy's optimizer covers only q_net; rebuild it to include the head.
        self.optimizer = self.optimizer_class(
            chain(self.q_net.parameters(), self.cpc.parameters()),
            lr=lr_schedule(1),
            **self.optimizer_kwargs,
        )

    def cpc_output(self, observations: th.Tensor) -> CPCOutput:
        """CPC over uninterrupted windows of observations ``(T, B, *obs_shape)``, encoded by
        the online Q-network's features extractor."""
        steps, batch = observations.shape[:2]
        latents = self.q_net.extract_features(observations.flatten(0, 1),
                                              self.q_net.features_extractor)
        no_starts = th.zeros(steps, batch, device=latents.device)
        return self.cpc(latents.view(steps, batch, -1), no_starts)


class DQNCPC(DQN):
    """DQN whose every gradient step also minimises ``cpc_weight`` times the CPC loss of
    ``cpc_windows`` windows of ``cpc_window_length`` consecutive observations from the replay
    buffer (``cpc_window_length > cpc_horizons``). All other arguments are :class:`DQN`'s.
    """

    policy_aliases = {"CPCPolicy": CPCDQNPolicy}

    def __init__(
        self,
        policy: str | type[CPCDQNPolicy] = CPCDQNPolicy,
        env: Any = None,
        cpc_weight: float = 1.0,
        cpc_windows: int = 4,
        cpc_window_length: int = 12,
        **kwargs: Any,
    ) -> None:
        if cpc_weight < 0:
            raise ValueError(f"cpc_weight must be non-negative, got {cpc_weight}")
        self.cpc_weight = cpc_weight
        self.cpc_windows = cpc_windows
        self.cpc_window_length = cpc_window_length
        kwargs.setdefault("replay_buffer_class", WindowReplayBuffer)
        super().__init__(policy, env, **kwargs)

    def _setup_model(self) -> None:
        super()._setup_model()
        if not isinstance(self.policy, CPCDQNPolicy):
            raise TypeError(f"DQNCPC needs a CPCDQNPolicy, got {type(self.policy)}")
        if not isinstance(self.replay_buffer, WindowReplayBuffer):
            raise TypeError(f"DQNCPC needs a WindowReplayBuffer, got {type(self.replay_buffer)}")
        if self.cpc_window_length <= self.policy.cpc_horizons:
            raise ValueError(
                f"cpc_window_length ({self.cpc_window_length}) must exceed the CPC horizons "
                f"({self.policy.cpc_horizons})"
            )

    def train(self, gradient_steps: int, batch_size: int = 100) -> None:
        outputs: list[CPCOutput] = []

        def add_cpc_gradient() -> None:
            windows = self.replay_buffer.sample_windows(self.cpc_windows, self.cpc_window_length)
            if windows.shape[1] == 0:
                return
            output = self.policy.cpc_output(windows)
            (self.cpc_weight * output.loss).backward()
            outputs.append(output)

        with backward_after_zero_grad(self.policy.optimizer, add_cpc_gradient):
            super().train(gradient_steps, batch_size)
        record_cpc(self.logger, outputs)
