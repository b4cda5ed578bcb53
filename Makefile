# 客户服务管理门户 — the two commands of the README, and what they stand on.
#   make run   install everything, upgrade the database, seed the demo, serve on :5000
#   make test  install everything the tests need too, check lint and formatting (ruff), then
#              run the whole suite
#              (on SQLite; again on PostgreSQL when TEST_DATABASE_URL is set; the queue
#              test on Redis too when TEST_REDIS_URL is set)
#   make load  50 sessions of the four roles for 60 s (LOAD_TIME) against gunicorn on the
#              bench's PostgreSQL database (LOAD_DATABASE_URL; built by `python -m bench
#              --postgres URL`), with locust; prints p50/p95/p99 per page and the failures

PYTHON    ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
FLASK     := $(BIN)/flask --app wsgi
HOST      ?= 127.0.0.1
PORT      ?= 5000

RUN_DEBS  := python3-venv fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0
TEST_DEBS := $(RUN_DEBS) poppler-utils chromium postgresql-client

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench load debs-run debs-test clean

run: debs-run $(VENV)/.run-installed
	@mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed demo --if-empty
	$(FLASK) fonts cut
	@echo ""
	@echo "客户服务管理门户: http://$(HOST):$(PORT)/"
	@echo "演示账号（密码均为 demo1234）："
	@echo "  hq        经纪业务管理总部"
	@echo "  head1     营业部总经理（第一营业部）"
	@echo "  mgr1 mgr2 客户经理（第一营业部）"
	@echo "  mgr3      客户经理（第二营业部）"
	@echo "  counter1  柜面人员（第一营业部）"
	@echo "  ops1      运营总监（第一营业部）"
	@echo "  cs1       客服总监（第一营业部）"
	@echo ""
	@# The background-job worker (batch exports) runs beside the web server and stops with it.
	$(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: debs-test $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(FLASK) fonts cut
	env -u TEST_DATABASE_URL $(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL: $$TEST_DATABASE_URL"; \
		$(BIN)/pytest; \
	fi

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: debs-test $(VENV)/.test-installed
	$(BIN)/python -m bench

LOAD_TIME ?= 60s
LOAD_USERS ?= 50

load: debs-run $(VENV)/.load-installed
	$(BIN)/python -m load --run-time $(LOAD_TIME) --users $(LOAD_USERS)

$(VENV)/.run-installed: pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.run-installed

$(VENV)/.load-installed: pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[load]'
	@touch $@ $(VENV)/.run-installed

debs-run:
	@$(MAKE) --no-print-directory _debs DEBS="$(RUN_DEBS)"

debs-test:
	@$(MAKE) --no-print-directory _debs DEBS="$(TEST_DEBS)"

# Installs the Debian packages that are missing (as root, or through sudo); on a machine
# without either it says exactly what to install.
_debs:
	@missing=""; for p in $(DEBS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then \
			echo "Please install these Debian packages as root:"; \
			echo "  apt-get install -y$$missing"; exit 1; \
		fi; \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
