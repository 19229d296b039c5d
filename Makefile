# Every target creates .venv at the repo root if it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test demo bench bench-train fidelity clean

install: $(STAMP)

# torch is pinned and installed first: an unpinned torch (pulled in by stable-baselines3)
# would download a multi-GB CUDA build; 2.13.0 is the CPU wheel on this machine image.
$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
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
