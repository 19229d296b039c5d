"""Glue between the CPC head and SB3: the policy side, the optimizer seam and logging.

SB3's ``train()`` methods end every gradient step with
``optimizer.zero_grad(); loss.backward(); clip_grad_norm_(policy.parameters()); optimizer.step()``.
:func:`backward_after_zero_grad` runs an auxiliary loss's ``backward()`` right after that
``zero_grad()``, so the RL gradient is added to the auxiliary one and the sum is clipped and
applied in the same step: the optimised loss is ``RL loss + weight * CPC`` without copying
SB3's ``train()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch as th
from stable_baselines3.common.logger import Logger

from gvgai_agents.cpc import CPCHead, CPCOutput


class CPCPolicyMixin:
    """Adds a :class:`CPCHead` (attribute ``cpc``) and its constructor arguments to a policy.

    Mix in before the SB3 policy class. The head is a submodule of the policy, so SB3's
    ``save``/``load`` store it with the rest of the weights; subclasses create it in
    ``_build`` with :meth:`make_cpc_head` and must put its parameters in ``self.optimizer``.
    """

    cpc: CPCHead

    def __init__(self, *args: Any, cpc_horizons: int = 4, cpc_context_dim: int = 128,
                 **kwargs: Any) -> None:
        self.cpc_horizons = cpc_horizons
        self.cpc_context_dim = cpc_context_dim
        super().__init__(*args, **kwargs)

    def make_cpc_head(self, latent_dim: int) -> CPCHead:
        return CPCHead(latent_dim, self.cpc_horizons, self.cpc_context_dim)

    def _get_constructor_parameters(self) -> dict[str, Any]:
        data = super()._get_constructor_parameters()
        data.update(cpc_horizons=self.cpc_horizons, cpc_context_dim=self.cpc_context_dim)
        return data


@contextmanager
def backward_after_zero_grad(
    optimizer: th.optim.Optimizer, auxiliary_backward: Callable[[], None]
) -> Iterator[None]:
    """Within the block, every ``optimizer.zero_grad()`` is followed by ``auxiliary_backward()``
    (see the module docstring for why this is where the auxiliary gradient goes in)."""
    zero_grad = optimizer.zero_grad

    def zero_grad_then_auxiliary(set_to_none: bool = True) -> None:
        zero_grad(set_to_none=set_to_none)
        auxiliary_backward()

    optimizer.zero_grad = zero_grad_then_auxiliary
    try:
        yield
    finally:
        del optimizer.zero_grad  # the instance attribute; the class method shows through again


def record_cpc(logger: Logger, outputs: Sequence[CPCOutput]) -> None:
    """Log ``train/cpc_loss`` and ``train/cpc_acc_k{k}``, averaged over the gradient steps."""
    if not outputs:
        return
    logger.record("train/cpc_loss", float(np.mean([out.loss.item() for out in outputs])))
    accuracies = th.stack([out.accuracy for out in outputs]).cpu().numpy()
    for k, accuracy in enumerate(accuracies.T, start=1):
        if not np.isnan(accuracy).all():
            logger.record(f"train/cpc_acc_k{k}", float(np.nanmean(accuracy)))
