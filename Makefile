# Two commands set everything up on a fresh machine (Python 3.11 and make):
#   make reports   build the HTML reports from the bundled data into reports/
#   make test      run the whole test suite
# Both create .venv if missing and install the project into it.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install reports test lab backtest calibration benchmark clean-reports strip-notebooks

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name indicators --display-name "indicators (project)" >/dev/null
	@touch $(STAMP)

install: $(STAMP)

reports: install
	$(BIN)/indicators run --out reports

test: install
	$(BIN)/python -m pytest -n 2

lab: install
	$(BIN)/jupyter lab --notebook-dir=notebooks

backtest: install
	$(BIN)/python benchmarks/backtest.py

# refit src/indicators/forecast/calibration.json (after any change to the ladder or the bundled actuals)
calibration: install
	$(BIN)/python benchmarks/calibrate.py

benchmark: install
	$(BIN)/python benchmarks/suite.py

strip-notebooks: install
	$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb
