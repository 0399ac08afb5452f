# Two commands for a new user: `make demo` and `make test`.
# Both create .venv on first use and reinstall the project only when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.leadgraph-installed

.PHONY: demo test install clean-venv

demo: $(STAMP)
	@echo "== leadgraph validate"
	$(BIN)/leadgraph validate
	@echo
	@echo "== leadgraph stats"
	$(BIN)/leadgraph stats
	@echo
	@echo "== Which leaders hold a CIO-type role, and at which organisations?"
	$(BIN)/leadgraph query cio-roles
	@echo
	@echo "== Which traits are attributed to two or more leaders?"
	$(BIN)/leadgraph query shared-traits
	@echo
	@echo "== The interactive network page (open it in any browser; it works offline)"
	$(BIN)/leadgraph export --format graphml -o out/leadgraph.graphml
	$(BIN)/leadgraph viz -o out/leadgraph.html

test: $(STAMP)
	$(BIN)/python -m pytest

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml is newer than the stamp; the editable install keeps code edits live.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean-venv:
	rm -rf $(VENV)
