"""The agents: extractors, A2C learning, the CPC gradients of A2C+CPC, DQN's window sampling,
and saving/loading the CPC models, on the device ``GVGAI_TEST_DEVICE`` names (the ``device``
fixture of conftest.py; default cpu)."""

import copy

import numpy as np
import pytest
import torch as th
from gymnasium import spaces
from stable_baselines3 import A2C
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.preprocessing import is_image_space, preprocess_obs
from stable_baselines3.common.torch_layers import NatureCNN

from gvgai_agents.algorithms import (
    ModelFile,
    build_model,
    load_model,
    model_metadata,
    resolve_device,
    save_model,
)
from gvgai_agents.dqn_cpc import WindowReplayBuffer
from gvgai_agents.errors import ConfigError
from gvgai_agents.evaluate import play
from gvgai_agents.extractors import SymbolicCNN, policy_kwargs_for
from gvgai_agents.levels import LevelSet, make_level_set_env
from gvgai_py import Level
from gvgai_py.envs import load_level

CORRIDOR = "wwwwww\nwA+.gw\nwwwwww\n"
"""Zelda in a corridor: RIGHT takes the key, two more reach the door."""
STEPS_PER_EPISODE = 12
"""Short enough that a random policy rarely wins."""


@pytest.fixture
def corridor() -> LevelSet:
    return LevelSet("corridor", "corridor", (Level.from_string(CORRIDOR, "zelda"),))


def corridor_env(
    level_set: LevelSet, n_envs: int = 8, seed: int = 0, size: tuple[int, int] = (3, 6)
):
    return make_vec_env(
        make_level_set_env, n_envs, seed=seed,
        env_kwargs={"game": "zelda", "level_set": level_set, "obs_type": "symbolic",
                    "size": size, "max_episode_steps": STEPS_PER_EPISODE},
        monitor_kwargs={"info_keywords": ("won",)},
    )


def metadata(algo: str, cpc: bool, size: tuple[int, int] = (3, 6)) -> dict:
    return {"game": "zelda", "algo": algo, "cpc": cpc, "obs_type": "symbolic",
            "size": list(size), "max_episode_steps": STEPS_PER_EPISODE}


def win_rate(
    model, level_set: LevelSet, episodes: int = 100, deterministic: bool = False
) -> float:
    outcomes = play(model, level_set, episodes, deterministic=deterministic)
    return float(np.mean([o.won for o in outcomes]))


def test_symbolic_observations_reach_the_network_as_zeros_and_ones(corridor):
    env = corridor_env(corridor, n_envs=1)
    assert not is_image_space(env.observation_space)  # so SB3 neither transposes nor /255
    obs = th.as_tensor(env.reset())
    assert th.equal(preprocess_obs(obs, env.observation_space), obs.float())
    assert policy_kwargs_for(env.observation_space)["features_extractor_class"] is SymbolicCNN
    pixels = spaces.Box(0, 255, (90, 130, 3), np.uint8)
    assert policy_kwargs_for(pixels)["features_extractor_class"] is NatureCNN
    with pytest.raises(ValueError, match="one-hot"):
        SymbolicCNN(spaces.Box(0, 255, (3, 90, 130), np.uint8))


def test_symbolic_cnn_handles_large_generated_levels(device):
    space = spaces.Box(0, 1, (12, 31, 40), np.uint8)
    features = SymbolicCNN(space, features_dim=64).to(device)(th.zeros(2, 12, 31, 40,
                                                                        device=device))
    assert features.shape == (2, 64)


def test_a2c_learns_the_corridor(corridor, device):
    model = build_model("a2c", corridor_env(corridor), metadata("a2c", False), seed=0,
                        device=device)
    assert win_rate(model, corridor) < 0.3
    model.learn(12_000)
    assert win_rate(model, corridor) >= 0.9


def test_a2c_learns_our_easiest_level(device):
    """Our Zelda level 0, the sanity-check level (key and door in the avatar's row, a slow
    monster far off), is won by the learned policy; sampling from the untrained one rarely
    wins within the step limit."""
    level = load_level("zelda", 0)
    easiest = LevelSet("0", "0", (level,))
    size = (level.height, level.width)
    model = build_model(
        "a2c", corridor_env(easiest, size=size), metadata("a2c", False, size), seed=0,
        device=device,
    )
    assert win_rate(model, easiest) < 0.3
    model.learn(40_000)
    assert win_rate(model, easiest, deterministic=True) >= 0.9


def test_a2c_cpc_gradient_is_the_gradient_of_a2c_plus_weighted_cpc(corridor, device,
                                                                    monkeypatch):
    """One A2CCPC update against its parts: the A2C gradient (A2C.train alone) plus
    cpc_weight times the gradient of CPC run afresh on the rollout in time order."""
    # The sums agree to float32 rounding; CUDA convolutions in TF32 would round to 10 bits.
    monkeypatch.setattr(th.backends.cudnn, "allow_tf32", False)
    weight = 0.5
    model = build_model("a2c", corridor_env(corridor, n_envs=4), metadata("a2c", True),
                        cpc=True, cpc_weight=weight, seed=0, n_steps=8, max_grad_norm=1e9,
                        device=device)
    _, callback = model._setup_learn(10_000)
    model.collect_rollouts(model.env, callback, model.rollout_buffer, model.n_steps)
    rollout = copy.deepcopy(model.rollout_buffer)
    policy = model.policy
    gradients = []
    policy.optimizer.step = lambda: gradients.append(  # keep the parameters as they are
        {name: p.grad.clone() if p.grad is not None else th.zeros_like(p)
         for name, p in policy.named_parameters()})

    model.train()
    model.rollout_buffer = copy.deepcopy(rollout)
    A2C.train(model)
    policy.optimizer.zero_grad()
    observations = th.as_tensor(rollout.observations, device=device)  # (n_steps, n_envs, ...)
    latents = policy.extract_features(observations.flatten(0, 1)).view(8, 4, -1)
    policy.cpc(latents, th.as_tensor(rollout.episode_starts, device=device)).loss.backward()

    combined, a2c = gradients
    for name, p in policy.named_parameters():
        cpc = p.grad if p.grad is not None else th.zeros_like(p)
        assert th.allclose(combined[name], a2c[name] + weight * cpc, atol=1e-5), name
    assert any(combined[n].abs().sum() > 0 for n in combined if n.startswith("cpc."))


def test_time_major_undoes_the_buffer_flattening(corridor, device):
    model = build_model("a2c", corridor_env(corridor, n_envs=3), metadata("a2c", True),
                        cpc=True, seed=0, n_steps=6, device=device)
    buffer = model.rollout_buffer
    buffer.observations[:] = np.arange(6 * 3).reshape(6, 3, 1, 1, 1)
    flat = buffer.swap_and_flatten(buffer.observations)
    time_major = model.time_major(th.as_tensor(flat, device=device))
    assert th.equal(time_major.cpu(), th.as_tensor(buffer.observations))


def test_a2c_cpc_needs_rollouts_longer_than_the_horizons(corridor, device):
    with pytest.raises(ValueError, match="n_steps"):
        build_model("a2c", corridor_env(corridor, n_envs=1), metadata("a2c", True), cpc=True,
                    cpc_horizons=4, n_steps=4, device=device)


def window_buffer(rows: int, n_envs: int, device: th.device) -> WindowReplayBuffer:
    return WindowReplayBuffer(rows * n_envs, spaces.Box(0, 10**6, (1,), np.int64),
                              spaces.Discrete(2), device=device, n_envs=n_envs,
                              handle_timeout_termination=False)


def add_steps(buffer: WindowReplayBuffer, steps: int, ends: dict[int, set[int]]) -> None:
    """Observation ``10 * step + env``; ``ends[env]``: steps after which its episode ended."""
    n_envs = buffer.n_envs
    for step in range(steps):
        obs = (10 * step + np.arange(n_envs)).reshape(n_envs, 1)
        done = np.array([step in ends.get(env, set()) for env in range(n_envs)])
        buffer.add(obs, obs, np.zeros((n_envs, 1)), np.zeros(n_envs), done, [{}] * n_envs)


def test_windows_are_uninterrupted_stretches_of_one_episode(device):
    np.random.seed(0)
    rows, steps, length = 20, 33, 4  # wrapped: rows hold steps 13..32, the newest at row 12
    ends = {0: {15, 22}, 1: {29}}
    buffer = window_buffer(rows, n_envs=2, device=device)
    add_steps(buffer, steps, ends)

    windows = buffer.sample_windows(300, length)
    assert windows.device == device  # where the model that trains on them is
    values = windows.cpu().numpy()[..., 0]  # (length, windows)
    assert values.shape == (length, 300)
    env, step = values % 10, values // 10
    assert (env == env[0]).all()  # one env per window
    assert (step == step[0] + np.arange(length)[:, None]).all()  # consecutive: never wraps
    assert step.min() >= steps - rows  # only data still in the buffer
    for e, s in zip(env[0], step[0], strict=True):
        assert not ends[e] & set(range(s, s + length - 1)), (e, s)  # may end on its last step
    assert set(env[0]) == {0, 1}


def test_no_windows_while_episodes_are_shorter_than_a_window(device):
    buffer = window_buffer(50, n_envs=1, device=device)
    add_steps(buffer, 10, {0: {2, 5, 8}})
    assert buffer.sample_windows(8, 4).shape == (4, 0, 1)
    assert buffer.sample_windows(8, 3).shape[1] == 8


@pytest.mark.parametrize("algo", ["a2c", "dqn"])
def test_cpc_models_save_load_and_predict_identically(algo, corridor, tmp_path, device):
    extra = {"learning_starts": 64, "buffer_size": 2_000} if algo == "dqn" else {}
    model = build_model(algo, corridor_env(corridor, n_envs=2), metadata(algo, True), cpc=True,
                        cpc_weight=0.3, seed=0, device=device, **extra)
    model.learn(400)
    path = tmp_path / "model.zip"
    model.save(path)
    loaded = load_model(path, device=device)

    assert type(loaded) is type(model)
    assert loaded.cpc_weight == 0.3
    assert model_metadata(loaded) == model_metadata(model)
    saved, restored = model.policy.state_dict(), loaded.policy.state_dict()
    assert any(key.startswith("cpc.") for key in restored)
    assert saved.keys() == restored.keys()
    assert all(th.equal(saved[key], restored[key]) for key in saved)
    assert len(loaded.policy.optimizer.state) == len(model.policy.optimizer.state) > 0
    cpc_params = {id(p) for p in loaded.policy.cpc.parameters()}
    optimised = {id(p) for group in loaded.policy.optimizer.param_groups for p in group["params"]}
    assert cpc_params <= optimised
    obs = np.stack([corridor_env(corridor, n_envs=1, seed=s).reset()[0] for s in range(4)])
    for deterministic in (True, False):
        th.manual_seed(1)
        expected, _ = model.predict(obs, deterministic=deterministic)
        th.manual_seed(1)
        actual, _ = loaded.predict(obs, deterministic=deterministic)
        assert (expected == actual).all()


def optimizer_tensors(model) -> list[th.Tensor]:
    return [value for state in model.policy.optimizer.state.values() for value in state.values()
            if isinstance(value, th.Tensor)]


def test_a_model_file_loads_onto_the_device_asked_for(corridor, device, tmp_path, monkeypatch):
    """Weights and optimizer state are mapped to the device asked for as they are read,
    whichever one the model was saved from: saved on the test device, a model loads on the
    CPU and on the test device."""
    model = build_model("a2c", corridor_env(corridor, n_envs=2), metadata("a2c", True),
                        cpc=True, seed=0, n_steps=8, device=device)
    model.learn(64)
    path = tmp_path / "model.zip"
    save_model(model, path)
    map_locations = []
    torch_load = th.load

    def recording_load(*args, **kwargs):
        map_locations.append(kwargs.get("map_location"))
        return torch_load(*args, **kwargs)

    monkeypatch.setattr(th, "load", recording_load)
    saved = model.policy.state_dict()
    for target in (th.device("cpu"), device):
        map_locations.clear()
        loaded = load_model(path, device=target)
        assert loaded.device == target
        assert map_locations and all(location == target for location in map_locations)
        restored = loaded.policy.state_dict()
        tensors = [*restored.values(), *optimizer_tensors(loaded)]
        assert len(tensors) > len(restored)  # the optimizer state is there
        assert {tensor.device.type for tensor in tensors} == {target.type}
        assert all(th.equal(saved[key].cpu(), restored[key].cpu()) for key in saved)


def test_a_model_file_builds_its_model_on_the_device_asked_for(corridor, tmp_path):
    """Without a GPU, 'meta' stands in for a device other than the CPU (tensors there have
    shapes but no data, so only building, not loading, works on it)."""
    path = tmp_path / "model.zip"
    save_model(build_model("a2c", corridor_env(corridor, n_envs=1), metadata("a2c", False)),
               path)
    model = ModelFile.read(path).build(device=th.device("meta"))
    assert {p.device.type for p in model.policy.parameters()} == {"meta"}


def test_device_names_resolve_to_devices_torch_sees(monkeypatch):
    monkeypatch.setattr(th.cuda, "is_available", lambda: False)
    monkeypatch.setattr(th.cuda, "device_count", lambda: 0)
    assert resolve_device("auto") == th.device("cpu")
    assert resolve_device("cpu") == th.device("cpu")
    for name in ("cuda", "cuda:0"):
        with pytest.raises(ConfigError, match=f"--device {name}: torch sees no CUDA GPU"):
            resolve_device(name)
    monkeypatch.setattr(th.cuda, "is_available", lambda: True)
    monkeypatch.setattr(th.cuda, "device_count", lambda: 2)
    assert resolve_device("auto") == th.device("cuda")
    assert resolve_device("cuda:1") == th.device("cuda", 1)
    with pytest.raises(ConfigError, match="torch sees 2 CUDA GPU"):
        resolve_device("cuda:2")
    for name in ("gpu", "cuda:", "cuda:x", "CPU", "mps", "meta"):
        with pytest.raises(ConfigError, match="unknown --device"):
            resolve_device(name)
