"""How the default validation engine was chosen: other SHACL engines on the same data.

pyrudof and pyshacl-turbo are not leadgraph dependencies; install them beside pyoxigraph and
rdflib in a scratch environment and point this at an N-Triples dump of a data set:

    python -m venv /tmp/shacl && /tmp/shacl/bin/pip install pyrudof pyshacl-turbo rdflib
    .venv/bin/python -c "from leadgraph.loading import load; import sys; \\
        sys.stdout.buffer.write(load('DATA').serialize('nt'))" > data.nt
    .venv/bin/python -c "from leadgraph.loading import load; import sys; \\
        sys.stdout.buffer.write(load([]).serialize('nt'))" > ontology.nt
    /tmp/shacl/bin/python benchmarks/engine_shootout.py data.nt ontology.nt ontology/shapes.ttl

Measured at 9,868 triples (2026-11-30, shared 2-core machine): pyshacl-turbo 6.7 s (with RDFS
inference, as pyshacl; 3.5 s in a second run), pyrudof 1.3-1.9 s (no RDFS inference, so other
findings: on tests/fixtures/constraints/inference-and-blank-nodes.ttl it misses the leader typed
through rdfs:domain and reports sh:class failures an rdfs:range satisfies), pyshacl 56-117 s;
leadgraph's compiled queries 0.5 s.
"""

from __future__ import annotations

import sys
import time


def main(data: str, ontology: str, shapes: str) -> None:
    import rdflib

    try:
        import pyshacl_turbo

        graph = rdflib.Graph().parse(data, format="nt")
        started = time.perf_counter()
        conforms, _, _ = pyshacl_turbo.validate(graph, shacl_graph=rdflib.Graph().parse(shapes),
                                                ont_graph=rdflib.Graph().parse(ontology, format="nt"),
                                                inference="rdfs", allow_warnings=True)
        print(f"pyshacl-turbo: {time.perf_counter() - started:.2f} s, conforms {conforms}")
    except ImportError:
        print("pyshacl-turbo: not installed")
    try:
        import pyrudof

        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(data, pyrudof.RDFFormat.NTriples)
        rudof.read_shacl(shapes)
        started = time.perf_counter()
        report = rudof.validate_shacl()
        print(f"pyrudof: {time.perf_counter() - started:.2f} s, conforms {report.conforms}")
    except ImportError:
        print("pyrudof: not installed")


if __name__ == "__main__":
    main(*sys.argv[1:4])
