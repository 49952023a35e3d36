# Hotline: `make demo` runs a live demo centre on SQLite; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the tests use: servers, the browser, message tools, CJK fonts, PDF to image,
# Pango for WeasyPrint's service reports, and the SIP edge (hotline/voice): Kamailio with the
# modules its generated config loads, rtpengine, SIPp (sip-tester) and baresip as phones and
# callers, espeak-ng for prompts; nginx in front of the deployment test (deploy/, docs/deploy.md).
TEST_PACKAGES := postgresql redis-server chromium gettext fonts-noto-cjk poppler-utils \
	libpango-1.0-0 libpangoft2-1.0-0 \
	kamailio kamailio-websocket-modules kamailio-utils-modules kamailio-json-modules \
	kamailio-extra-modules kamailio-tls-modules rtpengine-daemon sip-tester baresip-core espeak-ng \
	openssl nginx
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore='*/tests/*' --ignore=conftest.py \
	--ignore=tools --ignore=bench --ignore=build
PYTEST := $(BIN)/pytest -p no:cacheprovider

.PHONY: demo prompts test lint types unit unit-postgres system-packages messages bench clean jssip

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/hotline demo

# What waiting callers hear on the SIP edge (README, Voice (SIP)): prompts spoken by espeak-ng in
# every language, and the hold music; made again when their texts or translations change. Not a
# step of `make demo` (no SIP edge there, and espeak-ng is a system package): `hotline voice run`
# makes them when they are missing.
PROMPTS := var/voice/prompts/hold_music.wav
prompts: $(PROMPTS)
$(PROMPTS): $(VENV)/.installed hotline/voice/prompts.py $(wildcard locale/*/LC_MESSAGES/django.mo)
	$(BIN)/hotline voice prompts --out var/voice/prompts

test: system-packages $(VENV)/.installed lint types unit unit-postgres

system-packages:
	@missing=""; for package in $(TEST_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(VENV)/.installed
	$(BIN)/mypy hotline conftest.py

# The whole suite on the embedded default, SQLite...
unit: $(VENV)/.installed
	$(PYTEST)

# ...and again on a throwaway PostgreSQL (with a streaming replica, for the reports' replica
# test) and Redis on free loopback ports.
unit-postgres: $(VENV)/.installed
	$(BIN)/python tools/testservers.py --postgres --replica --redis -- $(PYTEST)

# After changing user-visible strings: refresh the catalogs, translate, then compile.
messages: $(VENV)/.installed
	$(BIN)/hotline makemessages -l ru -l es -l fr -l zh_Hans -l bg --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/hotline compilemessages --ignore=.venv

# Speed targets of the issues, measured on a throwaway PostgreSQL; JSON in bench/results/.
bench: system-packages $(VENV)/.installed
	@mkdir -p bench/results
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python tools/testservers.py --postgres -- $(BIN)/python bench/floor.py
	$(BIN)/python bench/sim.py
	$(BIN)/python bench/wfm.py
	$(BIN)/python tools/testservers.py --postgres -- $(BIN)/python bench/cases.py
	$(BIN)/python tools/testservers.py --postgres -- $(BIN)/python bench/reports.py
	$(BIN)/python tools/testservers.py --postgres --redis -- $(BIN)/python bench/voice.py
	$(BIN)/python tools/testservers.py --postgres --redis -- $(BIN)/python bench/faults.py
	$(BIN)/python tools/testservers.py --postgres --redis -- $(BIN)/python bench/load.py

# The desk's softphone library (README, Voice (SIP)): JsSIP from npm at the version pinned in
# tools/jssip/package.json, bundled by esbuild into one committed file (no build step at runtime).
JSSIP_VERSION := $(shell sed -n 's/.*"jssip": "\([0-9.]*\)".*/\1/p' tools/jssip/package.json)
jssip:
	cd tools/jssip && npm install --no-audit --no-fund
	cd tools/jssip && ./node_modules/.bin/esbuild node_modules/jssip/lib/JsSIP.js --bundle \
		--format=iife --global-name=JsSIP --minify --legal-comments=eof \
		--outfile=../../hotline/static/vendor/jssip-$(JSSIP_VERSION).min.js

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
