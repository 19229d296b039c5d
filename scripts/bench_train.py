"""Training throughput: environment steps per second of A2C with and without CPC.

Both variants use the same configuration (``--preset cpc``: 8 environments, 16-step rollouts,
symbolic observations). Each model is warmed up first, then the two are timed in
alternating chunks, so that both see the same swings in machine load; the time is split
into collecting rollouts (environments plus the policy's forward passes) and the update
(``train()``, which is where CPC adds its cost). The machine's load average is printed with
the figures, since other processes skew them.

    python scripts/bench_train.py --game zelda --levels 0 --steps 20000
    python scripts/bench_train.py --device cuda --obs pixels --n-envs 16 --vec-env subproc
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass

import torch as th
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.callbacks import BaseCallback

from gvgai_agents.algorithms import resolve_device
from gvgai_agents.config import DEVICE_HELP, TrainConfig
from gvgai_agents.errors import ConfigError
from gvgai_agents.train import Levels, make_training_env, new_model

TARGET_STEPS_PER_SECOND = 1000
TARGET_CPC_RATIO = 0.75


class RolloutTimer(BaseCallback):
    """Adds up the wall time spent collecting rollouts."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds = 0.0
        self._started = 0.0

    def _on_rollout_start(self) -> None:
        self._started = time.perf_counter()

    def _on_rollout_end(self) -> None:
        self.seconds += time.perf_counter() - self._started

    def _on_step(self) -> bool:
        return True


@dataclass
class Measurement:
    steps: int = 0
    seconds: float = 0.0
    rollout_seconds: float = 0.0

    @property
    def steps_per_second(self) -> float:
        return self.steps / self.seconds


def build(config: TrainConfig) -> BaseAlgorithm:
    levels = Levels.of(config)
    return new_model(config, levels, make_training_env(config, levels, config.seed),
                     config.seed)


def time_learning(model: BaseAlgorithm, steps: int, into: Measurement) -> None:
    timer = RolloutTimer()
    start_steps, start = model.num_timesteps, time.perf_counter()
    model.learn(steps, callback=timer, reset_num_timesteps=False)
    into.seconds += time.perf_counter() - start
    into.steps += model.num_timesteps - start_steps
    into.rollout_seconds += timer.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--game", default="zelda")
    parser.add_argument("--levels", default="0", help="a gvgai train --levels word")
    parser.add_argument("--steps", type=int, default=20_000, help="timed steps per variant")
    parser.add_argument("--warmup", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=5, help="alternating timed chunks")
    parser.add_argument("--n-envs", type=int, default=8)
    parser.add_argument("--vec-env", default="dummy", choices=("dummy", "subproc"))
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument("--obs", default="symbolic", choices=("symbolic", "pixels"))
    parser.add_argument("--device", default="auto", help=DEVICE_HELP)
    args = parser.parse_args()

    try:
        device = resolve_device(args.device)
    except ConfigError as err:
        parser.error(str(err))
    print(f"{args.game} {args.levels} {args.obs}, {args.n_envs} envs ({args.vec_env}), "
          f"device {device}, {args.torch_threads} torch thread(s), {os.cpu_count()} cores, "
          f"load average before {os.getloadavg()[0]:.2f}")
    th.set_num_threads(args.torch_threads)
    models = {}
    for cpc in (False, True):
        config = TrainConfig(game=args.game, algo="a2c", preset="cpc", cpc=cpc, levels=args.levels,
                             eval_levels=[], obs=args.obs, n_envs=args.n_envs,
                             vec_env=args.vec_env, torch_threads=args.torch_threads,
                             device=args.device, run_name="bench")
        models[cpc] = build(config)
        models[cpc].learn(args.warmup)
    # Alternate short chunks, so that both variants see the same changes in machine load.
    results = {cpc: Measurement() for cpc in models}
    for _ in range(args.rounds):
        for cpc, model in models.items():
            time_learning(model, args.steps // args.rounds, results[cpc])
    for cpc, result in results.items():
        models[cpc].env.close()
        print(f"A2C{' + CPC' if cpc else '      '}: {result.steps_per_second:7.0f} env-steps/s  "
              f"({result.steps} steps in {result.seconds:.1f} s: rollouts "
              f"{result.rollout_seconds / result.seconds:.0%}, updates "
              f"{1 - result.rollout_seconds / result.seconds:.0%})")
    print(f"load average after {os.getloadavg()[0]:.2f}")
    ratio = results[True].steps_per_second / results[False].steps_per_second
    verdict = "meets" if results[True].steps_per_second >= TARGET_STEPS_PER_SECOND else "misses"
    print(f"A2C + CPC / A2C = {ratio:.0%} (target >= {TARGET_CPC_RATIO:.0%}); A2C + CPC "
          f"{verdict} the {TARGET_STEPS_PER_SECOND} env-steps/s target")


if __name__ == "__main__":
    main()
