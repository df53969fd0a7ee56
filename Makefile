# Parvis: the two commands of the README, and a few helpers.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test install check bench messages audit vendor-check

## make run: install, migrate, load the demo town, serve it at http://127.0.0.1:8000
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST)

## make test: install, then run the whole suite (SQLite, or PostgreSQL if DATABASE_URL is set)
test: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

## make audit: known vulnerabilities of the installed dependencies (pip-audit; AUDIT_STRICT=1 also fails
## when some package could not be looked up). The project itself is not on PyPI: --skip-editable.
audit: install
	rm -f $(VENV)/audit.json
	-$(BIN)/pip-audit --skip-editable --progress-spinner off --format json --output $(VENV)/audit.json
	$(BIN)/python .ci/audit_report.py $(VENV)/audit.json

## make vendor-check: the browser crypto served to voters (voting/static/voting/vendor/) is exactly what
## the packages pinned in package-lock.json build: anyone can check the committed bundle this way.
vendor-check:
	npm ci --no-audit --no-fund --silent
	npm run --silent vendor >/dev/null
	git diff --exit-code --stat -- voting/static/voting/vendor/

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

## make messages: refresh the French/English translation catalogues
messages: install
	$(BIN)/python manage.py makemessages -l fr --ignore=$(VENV) --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=$(VENV)

bench: install
	$(BIN)/python bench/pages.py
