"""Features extractors for the two observation types, and the policy arguments that pick them.

Symbolic observations are ``uint8`` one-hot grids ``(channels, rows, cols)`` in a
``Box(0, 1)``. SB3 only treats a ``uint8`` Box with bounds 0..255 as an image
(``is_image_space``), so this one is neither transposed nor divided by 255: ``preprocess_obs``
casts it to float and the 0/1 values reach the network unchanged.

Pixel observations ``(rows * 10, cols * 10, 3)`` ``uint8`` 0..255 *are* images: SB3 wraps the
environment in ``VecTransposeImage`` (channels first) and divides by 255, as the Nature CNN
expects.
"""

from __future__ import annotations

from typing import Any

import torch as th
from gymnasium import spaces
from stable_baselines3.common.preprocessing import is_image_space
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor, NatureCNN
from torch import nn


class SymbolicCNN(BaseFeaturesExtractor):
    """Two 3x3 convolutions (the second strided) and a linear layer, for one-hot grids.

    Padding keeps every cell, walls at the border included; the stride halves the grid so
    that the linear layer stays small on large generated levels.
    Input ``(batch, channels, rows, cols)`` float in {0, 1}; output ``(batch, features_dim)``.
    """

    def __init__(self, observation_space: spaces.Box, features_dim: int = 256) -> None:
        if len(observation_space.shape) != 3 or is_image_space(observation_space):
            raise ValueError(
                "SymbolicCNN expects a one-hot (channels, rows, cols) Box(0, 1), "
                f"got {observation_space}"
            )
        super().__init__(observation_space, features_dim)
        channels = observation_space.shape[0]
        self.cnn = nn.Sequential(
            nn.Conv2d(channels, 32, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(32, 64, kernel_size=3, stride=2, padding=1),
            nn.ReLU(),
            nn.Flatten(),
        )
        with th.no_grad():
            n_flatten = self.cnn(th.zeros(1, *observation_space.shape)).shape[1]
        self.linear = nn.Sequential(nn.Linear(n_flatten, features_dim), nn.ReLU())

    def forward(self, observations: th.Tensor) -> th.Tensor:
        return self.linear(self.cnn(observations))


def policy_kwargs_for(observation_space: spaces.Space) -> dict[str, Any]:
    """``policy_kwargs`` choosing the extractor: the Nature CNN (512 features) for pixel
    images, :class:`SymbolicCNN` (256) otherwise, with linear policy/value heads on top."""
    if is_image_space(observation_space, check_channels=False):
        return {"features_extractor_class": NatureCNN, "net_arch": []}
    return {"features_extractor_class": SymbolicCNN, "net_arch": []}
