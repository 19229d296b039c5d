"""Model files and replay buffers are data: loading them rebuilds the model from JSON and reads
tensors and arrays only, so a crafted file runs no code (see ``payloads``)."""

import io
import json
import pickle
import zipfile

import cloudpickle
import numpy as np
import pytest
import torch as th
from payloads import (
    npz_with_object_array,
    pickled,
    replace_data_fields,
    replace_entry,
    sb3_serialized,
    torch_saved,
)
from stable_baselines3.common.callbacks import ConvertCallback
from stable_baselines3.common.save_util import load_from_zip_file
from test_agents import CORRIDOR, corridor_env, metadata
from test_train_cli import expect_one_line_error

from gvgai_agents.algorithms import (
    EPISODES_ATTRIBUTE,
    METADATA_ATTRIBUTE,
    build_model,
    load_model,
    model_metadata,
    save_model,
)
from gvgai_agents.checkpoints import read_replay_buffer, write_replay_buffer
from gvgai_agents.errors import ModelFileError
from gvgai_agents.levels import LevelSet
from gvgai_py import Level
from gvgai_py.cli import main


@pytest.fixture(scope="module")
def corridor() -> LevelSet:
    return LevelSet("corridor", "corridor", (Level.from_string(CORRIDOR, "zelda"),))


@pytest.fixture(scope="module")
def level_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("levels") / "corridor.txt"
    path.write_text(CORRIDOR)
    return path


def trained(corridor, algo: str, cpc: bool = False, steps: int = 64, **overrides):
    model = build_model(algo, corridor_env(corridor, n_envs=2), metadata(algo, cpc), cpc=cpc,
                        **overrides)
    model.learn(steps)
    return model


@pytest.fixture(scope="module")
def a2c_file(corridor, tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "a2c.zip"
    save_model(trained(corridor, "a2c", n_steps=8), path)
    return path


@pytest.fixture
def a2c_copy(a2c_file, tmp_path):
    path = tmp_path / "model.zip"
    path.write_bytes(a2c_file.read_bytes())
    return path


def test_the_payloads_run_code_when_unpickled(a2c_copy, tmp_path):
    """The crafted files are live: a loader that unpickles would create the marker."""
    markers = [tmp_path / f"ran{i}" for i in range(4)]
    pickle.loads(pickled(markers[0]))
    replace_data_fields(a2c_copy, policy_class=sb3_serialized(markers[1]))
    load_from_zip_file(a2c_copy, load_data=True)
    th.load(io.BytesIO(torch_saved(markers[2])), weights_only=False)
    np.load(io.BytesIO(npz_with_object_array(markers[3])), allow_pickle=True)["observations"]
    assert all(marker.exists() for marker in markers)


def test_loading_a_model_unpickles_nothing(a2c_file, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("unpickled")

    for module, name in ((pickle, "loads"), (pickle, "load"), (pickle, "Unpickler"),
                         (cloudpickle, "loads"), (cloudpickle, "load")):
        monkeypatch.setattr(module, name, refuse)
    assert load_model(a2c_file).num_timesteps == 64


@pytest.mark.parametrize("field", ["policy_class", "observation_space", "lr_schedule",
                                   "ep_info_buffer", "_last_obs"])
def test_code_in_sb3_fields_of_data_never_runs(a2c_copy, level_file, tmp_path, field):
    marker = tmp_path / "ran"
    replace_data_fields(a2c_copy, **{field: sb3_serialized(marker)})
    assert main(["eval", str(a2c_copy), "--levels", str(level_file), "--episodes", "1",
                 "--out", str(tmp_path / "eval.json")]) == 0
    assert not marker.exists()


@pytest.mark.parametrize("place", ["gvgai", "gvgai_episodes", "policy.pth",
                                   "policy.optimizer.pth"])
def test_a_model_with_code_where_we_read_fails_in_one_line_and_runs_nothing(
        a2c_copy, level_file, tmp_path, capsys, place):
    marker = tmp_path / "ran"
    if place.endswith(".pth"):
        replace_entry(a2c_copy, place, torch_saved(marker))
    else:
        replace_data_fields(a2c_copy, **{place: sb3_serialized(marker)})
    expect_one_line_error(capsys, ["eval", str(a2c_copy), "--levels", str(level_file),
                                   "--episodes", "1"], "not a readable gvgai model")
    assert not marker.exists()


def test_a_model_records_how_to_rebuild_it(corridor, tmp_path):
    model = trained(corridor, "dqn", cpc=True, cpc_weight=0.3, cpc_horizons=2,
                    learning_starts=32, buffer_size=500)
    save_model(model, tmp_path / "m.zip")
    with zipfile.ZipFile(tmp_path / "m.zip") as archive:
        stored = json.loads(archive.read("data"))[METADATA_ATTRIBUTE]
    assert stored == {**metadata("dqn", True), "cpc_weight": 0.3, "cpc_horizons": 2,
                      "hyperparameters": {"learning_starts": 32, "buffer_size": 500}}
    loaded = load_model(tmp_path / "m.zip")
    assert loaded.policy.cpc.horizons == 2 and loaded.cpc_weight == 0.3
    assert loaded.buffer_size == 500 and model_metadata(loaded) == model_metadata(model)
    with pytest.raises(ValueError, match="must be numbers"):
        build_model("dqn", corridor_env(corridor, n_envs=1), metadata("dqn", False),
                    replay_buffer_class=dict)


def test_a_loaded_model_continues_where_it_stopped(corridor, tmp_path):
    """Weights, optimizer state, step count, DQN's exploration and target-update phase, the
    schedules' progress and the recent episodes all come back."""
    model = build_model("dqn", corridor_env(corridor, n_envs=2), metadata("dqn", False),
                        learning_starts=32, exploration_fraction=1.0, target_update_interval=50)
    model.learn(600, callback=ConvertCallback(lambda local, _: local["self"].num_timesteps < 300))
    save_model(model, tmp_path / "m.zip")
    loaded = load_model(tmp_path / "m.zip", corridor_env(corridor, n_envs=2))

    for name in ("num_timesteps", "_n_updates", "_n_calls", "exploration_rate",
                 "_current_progress_remaining", "_episode_num"):
        assert getattr(loaded, name) == getattr(model, name), name
    assert 0.1 < loaded.exploration_rate < 1.0  # mid-schedule, neither start nor end
    assert list(loaded.ep_info_buffer) == [
        {k: v.item() if isinstance(v, np.generic) else v for k, v in episode.items()}
        for episode in model.ep_info_buffer]
    saved, restored = model.policy.state_dict(), loaded.policy.state_dict()
    assert all(th.equal(saved[key], restored[key]) for key in saved)
    saved_opt, restored_opt = (m.policy.optimizer.state_dict()["state"] for m in (model, loaded))
    assert saved_opt.keys() == restored_opt.keys() and saved_opt
    assert all(th.equal(saved_opt[k][s], restored_opt[k][s])
               for k in saved_opt for s in saved_opt[k])
    loaded.learn(100, reset_num_timesteps=False)
    assert loaded.num_timesteps >= model.num_timesteps + 100


def _as_written_by_an_older_gvgai(path) -> None:
    """Drop what the current version adds to a model file's ``data``."""
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("data"))
    data[METADATA_ATTRIBUTE] = {key: data[METADATA_ATTRIBUTE][key]
                                for key in metadata("a2c", True)}
    del data[EPISODES_ATTRIBUTE]
    replace_entry(path, "data", json.dumps(data).encode())


def test_a_model_file_of_an_older_version_loads_with_its_defaults(corridor, tmp_path):
    model = trained(corridor, "a2c", cpc=True, cpc_weight=0.5, n_steps=8)
    save_model(model, tmp_path / "old.zip")
    _as_written_by_an_older_gvgai(tmp_path / "old.zip")
    loaded = load_model(tmp_path / "old.zip")
    assert loaded.n_steps == 8 and loaded.cpc_weight == 0.5  # from SB3's own JSON fields
    assert not loaded.ep_info_buffer
    saved, restored = model.policy.state_dict(), loaded.policy.state_dict()
    assert all(th.equal(saved[key], restored[key]) for key in saved)


def test_an_older_model_with_other_cpc_horizons_says_how_to_convert_it(
        corridor, level_file, tmp_path, capsys):
    path = tmp_path / "old.zip"
    save_model(trained(corridor, "a2c", cpc=True, cpc_horizons=2), path)
    _as_written_by_an_older_gvgai(path)
    args = ["eval", str(path), "--levels", str(level_file), "--episodes", "1"]
    expect_one_line_error(capsys, args, '"cpc_horizons": K')

    with zipfile.ZipFile(path) as archive:  # the conversion the message describes
        stored = json.loads(archive.read("data"))[METADATA_ATTRIBUTE]
    replace_data_fields(path, **{METADATA_ATTRIBUTE: {**stored, "cpc_horizons": 2}})
    assert main(args) == 0


def filled_buffer(corridor, steps: int, buffer_size: int):
    model = build_model("dqn", corridor_env(corridor, n_envs=2), metadata("dqn", False),
                        learning_starts=10_000, buffer_size=buffer_size)
    model.learn(steps)
    return model.replay_buffer


@pytest.mark.parametrize("steps", [60, 260])  # 30 rows of 50 (2 envs a row), or wrapped
def test_replay_buffers_round_trip_through_npz(corridor, tmp_path, steps):
    buffer = filled_buffer(corridor, steps, buffer_size=100)
    write_replay_buffer(buffer, tmp_path / "s.replay.npz")
    restored = filled_buffer(corridor, 0, buffer_size=100)
    read_replay_buffer(tmp_path / "s.zip", restored)
    assert (restored.pos, restored.full) == (buffer.pos, buffer.full)
    assert buffer.full == (steps > 100)
    for name in ("observations", "next_observations", "actions", "rewards", "dones",
                 "timeouts"):
        assert np.array_equal(getattr(restored, name), getattr(buffer, name)), name


def test_a_replay_buffer_of_another_shape_is_refused(corridor, tmp_path):
    write_replay_buffer(filled_buffer(corridor, 60, buffer_size=100), tmp_path / "s.replay.npz")
    with pytest.raises(ModelFileError, match="unreadable"):
        read_replay_buffer(tmp_path / "s.zip", filled_buffer(corridor, 0, buffer_size=40))


def test_a_replay_buffer_with_code_runs_nothing(corridor, tmp_path):
    marker = tmp_path / "ran"
    (tmp_path / "s.replay.npz").write_bytes(npz_with_object_array(marker))
    with pytest.raises(ModelFileError, match="unreadable"):
        read_replay_buffer(tmp_path / "s.zip", filled_buffer(corridor, 0, buffer_size=100))
    assert not marker.exists()
