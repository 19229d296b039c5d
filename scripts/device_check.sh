#!/bin/bash
# The GPU checks of --device (issue 14) in one go, on a machine with a CUDA GPU whose python3
# has torch with CUDA, pandas, matplotlib, tensorboard and pytest but no gymnasium or
# stable-baselines3, and no package registry (the device machine of this workplace).
#
#   scripts/device_check.sh wheels   here, where pip reaches a registry: put the missing
#                                    wheels (all pure Python) in .whl/, which git ignores
#   scripts/device_check.sh          there (carry .whl, timeout_s 540; about 4 minutes, at most
#                                    7.5 as every step ends by a deadline): install
#                                    them and this checkout into /tmp/site, then
#   1. the agent tests with GVGAI_TEST_DEVICE=cuda (model files and `gvgai train`/`eval` run on
#      cuda too, by --device auto; the resume test resumes a cuda run on the cpu);
#   2. scripts/bench_train.py (A2C and A2C + CPC) with --device cuda against --device cpu, for
#      symbolic (32 in-process environments) and pixel (16 subprocess environments) Zelda;
#   3. `gvgai train frogs --levels ppcg --n-envs 16 --device cuda --steps 150000`, timed, then
#      that run resumed with --device cpu and evaluated with --device cpu.
# Logs (install, tests, bench, frogs) and summary.txt go to $OUT (default /tmp/device_check_out).
# PYTHON (default python3) names the interpreter, here as there.
set -u -o pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
WHEELS=(gymnasium==1.4.0 stable-baselines3==2.9.2 farama-notifications==0.0.6
        setuptools==84.2.1)  # setuptools: pyproject.toml's license field needs >= 77

if [ "${1:-}" = wheels ]; then
    mkdir -p .git/info
    grep -qx '/.whl/' .git/info/exclude 2>/dev/null || echo /.whl/ >> .git/info/exclude
    exec "$PY" -m pip download --no-deps --only-binary=:all: -d .whl "${WHEELS[@]}"
fi

OUT=${OUT:-/tmp/device_check_out}
mkdir -p "$OUT"
summary=$OUT/summary.txt
note() { echo "$*" | tee -a "$summary"; }
DEADLINE=450  # seconds: every step ends by then, so the whole check stays under 8 minutes
# Runs "$@" with a limit of $1 seconds (less if the deadline is nearer), its output in
# $OUT/$log; says how it ended.
step() {
    local limit=$1; shift
    local started=$SECONDS
    if [ $((DEADLINE - SECONDS)) -lt "$limit" ]; then limit=$((DEADLINE - SECONDS)); fi
    if [ "$limit" -le 0 ]; then note "  skipped, past the deadline: $*"; return 124; fi
    timeout "$limit" "$@" >> "$OUT/$log" 2>&1
    local rc=$?
    note "  exit $rc after $((SECONDS - started)) s: $*"
    return $rc
}

site=/tmp/site
log=install.log
step 60 "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target "$site" .whl/*.whl || exit
export PYTHONPATH=$site SDL_VIDEODRIVER=dummy PYTHONUNBUFFERED=1
step 60 "$PY" -m pip install -q --no-index --no-deps --no-build-isolation --no-compile \
    --no-cache-dir --target "$site" . || exit
note "$(nvidia-smi -L 2>&1 | head -1); $(nproc) cores"
note "$("$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())')"

note "1. agent tests on cuda (tests.log)"
log=tests.log
GVGAI_TEST_DEVICE=cuda step 120 "$PY" -m pytest -p no:cacheprovider -rs \
    tests/test_agents.py tests/test_cpc.py tests/test_model_files.py tests/test_train_cli.py
note "  $(grep -E '[0-9]+ (passed|failed)' "$OUT/$log" | tail -1)"

note "2. bench_train.py, cuda against cpu (bench.log)"
log=bench.log
for obs in symbolic pixels; do
    if [ $obs = symbolic ]; then
        sizes=(--n-envs 32 --vec-env dummy --steps 20000 --warmup 2000 --rounds 4)
    else
        sizes=(--n-envs 16 --vec-env subproc --steps 8000 --warmup 1000 --rounds 2)
    fi
    for device in cuda cpu; do
        echo "== $obs $device" >> "$OUT/$log"
        before=$(wc -l < "$OUT/$log")
        step 75 "$PY" scripts/bench_train.py --obs $obs --device $device "${sizes[@]}"
        rates=$(tail -n +$((before + 1)) "$OUT/$log" | grep 'env-steps/s  (' | cut -d'(' -f1)
        note "  $obs $device: $(echo "$rates" | tr -s ' ' | paste -sd';')"
    done
done

note "3. frogs with PPCG on cuda, resumed and evaluated on cpu (frogs.log)"
log=frogs.log
runs=/tmp/device_check_runs
rm -rf "$runs"
started=$SECONDS
if step 120 "$PY" -m gvgai_py.cli train frogs --levels ppcg --n-envs 16 --device cuda \
        --steps 150000 --logdir "$runs" --run-name frogs; then
    elapsed=$((SECONDS - started))
    note "  150000 steps in $elapsed s, $((150000 / elapsed)) env-steps/s (the command's wall" \
         "time: start-up and held-out evaluations included)"
    step 45 "$PY" -m gvgai_py.cli train --resume "$runs/frogs" --device cpu --steps 160000
    step 45 "$PY" -m gvgai_py.cli eval "$runs/frogs" --device cpu --levels human --episodes 4
    "$PY" -c 'import json, sys; info = json.load(open(sys.argv[1]))
print("  config.json: device", info["device"], "resumed", info.get("resumed"))' \
        "$runs/frogs/config.json" | tee -a "$summary"
fi
