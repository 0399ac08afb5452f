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
	@$(BIN)/python -c "$$DEMO_QUESTION"

test: $(STAMP)
	$(BIN)/python -m pytest

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The stamp records the pyproject.toml it was installed from; editable install keeps code changes live.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean-venv:
	rm -rf $(VENV)

define DEMO_QUESTION
import leadgraph
from leadgraph.namespaces import sparql_prefixes
rows = leadgraph.load().store.query(sparql_prefixes() + """
SELECT ?name ?title ?org WHERE {
  ?m org:member/foaf:name ?name ;
     org:role/skos:broader lgd:rolegroup-cio ;
     org:organization/rdfs:label ?org .
  OPTIONAL { ?m lg:jobTitle ?title }
} ORDER BY ?name ?org""")
for row in rows:
    title = row["title"].value if row["title"] else "-"
    print(f"  {row['name'].value}: {title} at {row['org'].value}")
endef
export DEMO_QUESTION
