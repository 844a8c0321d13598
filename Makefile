# chanjiao — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_DB ?= sqlite:///./chanjiao.db

## make fuzz: schemathesis over every operation as each role, 50 cases each (FUZZ_EXAMPLES)
FUZZ_EXAMPLES ?= 50
fuzz: $(STAMP)
	$(BIN)/python -m tests.service.security.fuzz --examples $(FUZZ_EXAMPLES)

## make faults: kill -9 of the service under writes and of an import mid-file, PostgreSQL stopped
## under the service (a private throwaway cluster); SQLite, and PostgreSQL with TEST_DATABASE_URL
faults: $(STAMP)
	$(BIN)/python -m tests.service.security.faults $(FAULTS_ARGS)

.PHONY: faults fuzz demo test lint typecheck migrations-check bench load serve install clean lock browser nginx screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps --upgrade -c constraints.txt --target $(VENV)/oracle matching
	touch $(STAMP)

install: $(STAMP)

## make demo: environment, migrations, catalogue, demo city, then serve on http://127.0.0.1:8000
## (another port: make demo PORT=8001; a busy port is reported before any set-up work)
demo: $(STAMP)
	@$(BIN)/python -m service.cli.ports $(HOST) $(PORT)
	CHANJIAO_ENVIRONMENT=demo $(BIN)/chanjiao --db $(DEMO_DB) db upgrade
	CHANJIAO_ENVIRONMENT=demo $(BIN)/chanjiao --db $(DEMO_DB) seed catalog
	CHANJIAO_ENVIRONMENT=demo $(BIN)/chanjiao --db $(DEMO_DB) seed demo --home http://$(HOST):$(PORT)/
	CHANJIAO_ENVIRONMENT=demo DATABASE_URL=$(DEMO_DB) $(BIN)/chanjiao serve --host $(HOST) --port $(PORT)

## make test: environment with the test extras, then the whole suite on TEST_WORKERS processes
## (pytest-xdist; browser and `slow` tests each on one worker, see tests/conftest.py), and the 25
## slowest tests (PostgreSQL too when TEST_DATABASE_URL is set, as .ci/run does)
TEST_WORKERS ?= auto
test: $(STAMP) browser nginx
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=25 $(PYTEST_ARGS)

## the browser tests drive Debian's chromium (Playwright downloads no browser); Chinese needs fonts-noto-cjk
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then \
		echo "安装 chromium 和 fonts-noto-cjk（浏览器测试需要）"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

## tests/deploy puts Debian's nginx in front of two `chanjiao serve` (deploy/nginx.conf; runs as
## nginx -p <folder>, no service started)
nginx:
	@if [ ! -x /usr/sbin/nginx ]; then \
		echo "安装 nginx（两台主机的部署测试需要）"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; \
	fi

## make screenshots: every page of the demo city at desktop width and 375 px, into build/screenshots/
screenshots: $(STAMP) browser
	CHANJIAO_ENVIRONMENT=demo $(BIN)/chanjiao --db $(DEMO_DB) db upgrade
	CHANJIAO_ENVIRONMENT=demo $(BIN)/chanjiao --db $(DEMO_DB) seed catalog > /dev/null
	CHANJIAO_ENVIRONMENT=demo $(BIN)/chanjiao --db $(DEMO_DB) seed demo > /dev/null
	$(BIN)/python -m tests.browser.screenshots --db $(DEMO_DB) --out build/screenshots

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

## upgrade, no drift, downgrade to base and back, on SQLite (and PostgreSQL when TEST_DATABASE_URL is set)
migrations-check: $(STAMP)
	$(BIN)/python -m service.migrate_check

## make bench: every bench/bench_*.py (BENCH=recs: those whose name contains it), each writing a
## dated result file to bench/results/; then the README's figures table from those files (also
## after a failed benchmark, whose run wrote nothing; the exit status stays the benchmarks')
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH); status=$$?; $(BIN)/python -m bench.figures --write; exit $$status

## make load: the real service under a mixed load (SQLite; PostgreSQL too with LOAD_ARGS=--postgres URL
## or TEST_DATABASE_URL set)
load: $(STAMP)
	$(BIN)/python -m bench.load $(LOAD_ARGS)

## refresh constraints.txt from the current environment (after changing dependencies)
lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^chanjiao' > constraints.txt

clean:
	rm -rf $(VENV) chanjiao.db chanjiao.db-* build *.egg-info
