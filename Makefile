# The two commands a newcomer needs: `make chat` and `make test`. Both build .venv from the
# pinned lock file first; torch is installed on its own so pip takes the local CPU build.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: chat test lint bench eval paraphrase postgres

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $(STAMP)

chat: $(STAMP)
	$(VENV)/bin/swarmops chat

# The shared-state tests start a real PostgreSQL server on loopback: Debian's package, installed
# here when missing (as root, or through sudo); elsewhere install PostgreSQL 14+ yourself.
postgres:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q postgresql >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q postgresql >/dev/null; }; }

# The eval suite runs on the offline planner and fails below the committed baseline or on any
# safety violation (see evals/README.md).
test: $(STAMP) postgres
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -n 2 -m "not serial"
	$(PY) -m pytest -q -m serial
	$(VENV)/bin/swarmops eval --jobs 2 --baseline evals/baseline.json --out .eval-out

eval: $(STAMP)
	$(VENV)/bin/swarmops eval --jobs 2 --architecture swarm --architecture flat --out eval-out

# The paraphrase set of issue 13 alone (it is also part of the suite `make test` runs).
paraphrase: $(STAMP)
	$(VENV)/bin/swarmops eval evals/cases/paraphrase --jobs 2 --out paraphrase-out

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	$(PY) evals/bench_overhead.py
