"""Training presets (``--preset``): the defaults of the options a run leaves out, the setup of
the paper's code, and runs made before presets."""

import json
from dataclasses import asdict

import pytest
from stable_baselines3.common.sb2_compat.rmsprop_tf_like import RMSpropTFLike
from stable_baselines3.common.torch_layers import NatureCNN

from gvgai_agents import train
from gvgai_agents.algorithms import load_model, save_model
from gvgai_agents.checkpoints import latest_checkpoint
from gvgai_agents.config import PRESETS, TrainConfig
from gvgai_py.cli import main


def test_the_default_preset_is_the_setup_that_learned():
    config = TrainConfig(game="zelda")
    assert config.preset == "learns"
    assert (config.algo, config.cpc, config.n_envs, config.n_steps, config.obs,
            config.max_episode_steps) == ("a2c", False, 12, 5, "symbolic", 500)


def test_the_cpc_preset_keeps_the_defaults_from_before_presets():
    config = TrainConfig(game="zelda", preset="cpc")
    assert (config.cpc, config.n_envs, config.n_steps, config.max_episode_steps) == \
        (True, 8, 16, 2000)
    dqn = TrainConfig(game="zelda", preset="cpc", algo="dqn")
    assert dqn.cpc is True and dqn.n_steps is None  # a rollout length is a2c's and ppo's
    assert TrainConfig(game="zelda", preset="cpc", algo="ppo").cpc is False


def test_options_given_explicitly_win_over_the_preset():
    config = TrainConfig(game="zelda", preset="paper", obs="symbolic", n_envs=3, n_steps=7,
                         max_episode_steps=100, cpc=True)
    assert (config.obs, config.n_envs, config.n_steps, config.max_episode_steps, config.cpc) \
        == ("symbolic", 3, 7, 100, True)


def test_a_config_json_records_the_preset_and_the_values_it_gave():
    recorded = asdict(TrainConfig(game="frogs", preset="paper"))
    assert recorded["preset"] == "paper"
    assert (recorded["obs"], recorded["n_envs"], recorded["n_steps"]) == ("pixels", 12, 5)
    assert TrainConfig(**recorded) == TrainConfig(game="frogs", preset="paper",
                                                  run_name=recorded["run_name"])


def test_the_paper_preset_builds_baselines_a2c_on_pixels(tmp_path, device):
    config = TrainConfig(game="zelda", preset="paper", n_envs=2, vec_env="dummy",
                         eval_levels=[], device=str(device))
    levels = train.Levels.of(config)
    model = train.new_model(config, levels, train.make_training_env(config, levels, 0), 0)
    assert (model.n_steps, model.ent_coef, model.vf_coef, model.max_grad_norm,
            model.gae_lambda, model.gamma) == (5, 0.01, 0.5, 0.5, 1.0, 0.99)
    assert isinstance(model.policy.features_extractor, NatureCNN)

    def check_optimizer(optimizer):
        assert isinstance(optimizer, RMSpropTFLike)
        [group] = optimizer.param_groups
        assert (group["lr"], group["alpha"], group["eps"]) == (7e-4, 0.99, 1e-5)

    check_optimizer(model.policy.optimizer)
    save_model(model, tmp_path / "model.zip")
    check_optimizer(load_model(tmp_path / "model.zip").policy.optimizer)


def test_other_presets_keep_torchs_rmsprop(device):
    for name in PRESETS.keys() - {"paper"}:
        config = TrainConfig(game="zelda", preset=name, n_envs=2, vec_env="dummy",
                             eval_levels=[], device=str(device))
        levels = train.Levels.of(config)
        model = train.new_model(config, levels, train.make_training_env(config, levels, 0), 0)
        assert type(model.policy.optimizer).__name__ == "RMSprop", name


def test_a_run_from_before_presets_resumes_with_its_own_rollout(tmp_path, monkeypatch):
    from gvgai_agents import callbacks

    def interrupt_at_300(self):
        if self.num_timesteps >= 300:
            raise KeyboardInterrupt
        return True

    args = ["train", "zelda", "--preset", "cpc", "--no-cpc", "--steps", "600", "--n-envs", "2",
            "--vec-env", "dummy", "--max-episode-steps", "30", "--checkpoint-every", "100",
            "--eval-every", "0", "--logdir", str(tmp_path), "--run-name", "old"]
    with monkeypatch.context() as patch:
        patch.setattr(callbacks.WinRateCallback, "_on_step", interrupt_at_300)
        assert main(args) == 130
    run_dir = tmp_path / "old"
    # As written before presets: no preset, and no rollout length when none was asked for.
    info = json.loads((run_dir / "config.json").read_text())
    del info["config"]["preset"]
    info["config"]["n_steps"] = None
    (run_dir / "config.json").write_text(json.dumps(info))
    interrupted = latest_checkpoint(run_dir / "checkpoints")
    assert main(["train", "--resume", str(run_dir), "--device", "cpu"]) == 0
    final = load_model(run_dir / "model.zip")
    assert final.num_timesteps >= 600 > load_model(interrupted).num_timesteps
    assert final.n_steps == 16


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_is_listed_in_the_help(name, capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"{name}: {PRESETS[name].summary.split()[0]}" in help_text
