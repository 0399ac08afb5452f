"""SPARQL: run queries safely (:mod:`.run`, :mod:`.sandbox`, :mod:`.safety`, :mod:`.params`),
the named queries (:mod:`.named`), results and their formats (:mod:`.results`), and the
SPARQL 1.1 Protocol endpoint (:mod:`.endpoint`).

Submodules are imported by name; this package imports nothing so ``leadgraph --help`` stays fast.
"""
