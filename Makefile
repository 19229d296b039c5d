# Every target creates .venv at the repo root if it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test demo bench bench-train fidelity clean

install: $(STAMP)

# torch is installed first, so that stable-baselines3 does not pull in a build of pip's
# choosing. Which build TORCH is depends on where pip finds it: PyPI's Linux wheel is the CUDA
# build (several GB); the development machine's wheel folder holds the CPU one. TORCH_INDEX
# picks PyTorch's own index instead, e.g.
#   make TORCH_INDEX=https://download.pytorch.org/whl/cpu      (CPU only)
#   make TORCH_INDEX=https://download.pytorch.org/whl/cu124    (CUDA 12.4)
# and TORCH another requirement (make TORCH=torch for the newest).
TORCH ?= torch==2.13.0
TORCH_INDEX ?=

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet '$(TORCH)' $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install --quiet -e '.[dev,ray]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/ruff check .
	SDL_VIDEODRIVER=dummy $(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

demo: $(STAMP)
	$(BIN)/gvgai demo

bench: $(STAMP)
	$(BIN)/python scripts/bench_env.py

bench-train: $(STAMP)
	$(BIN)/python scripts/bench_train.py

fidelity: $(STAMP)
	$(BIN)/python scripts/fidelity.py

clean:
	rm -rf $(VENV) build *.egg-info
