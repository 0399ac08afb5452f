"""SPARQL: run queries safely (:mod:`.run`, :mod:`.sandbox`, :mod:`.safety`, :mod:`.params`),
the named queries (:mod:`.named`), results and their formats (:mod:`.results`), the
forked worker with time and memory limits (:mod:`.sandbox`), and the SPARQL 1.1 Protocol
endpoint (:mod:`.protocol` for the protocol, :mod:`.http` for the server).

Submodules are imported by name; this package imports nothing so ``leadgraph --help`` stays fast.
"""
