"""Person records people can write: YAML (one file per person) and CSV (bulk), read into and
written back from the same triples the bundled Turtle holds.

Importing this package registers its readers (``.yaml``, ``.yml``, ``.csv``) in the reader
registry (:mod:`leadgraph.store.readers`); :mod:`leadgraph.loading` imports it, so ``load``,
``--data`` folders and ``forget`` read and rewrite records like any RDF file.

- :mod:`~leadgraph.records.yaml`: the YAML reader and writer, checked against ``person.schema.json``;
- :mod:`~leadgraph.records.csv`: roles and traits in CSV for bulk work;
- :mod:`~leadgraph.records.mapping`: a record to triples and back (the IRI conventions);
- :mod:`~leadgraph.records.vocabulary`: role types, traits, fields, sectors, measures and
  organisations named by label, with "did you mean" for unknown ones;
- :mod:`~leadgraph.records.tools`: :func:`convert` (records to Turtle) and :func:`new_person`
  (a commented skeleton).
"""

from __future__ import annotations

from leadgraph.records.csv import CsvRecordReader
from leadgraph.records.tools import convert, new_person
from leadgraph.records.yaml import SCHEMA_PATH, YamlRecordReader
from leadgraph.store.readers import register

__all__ = ["SCHEMA_PATH", "CsvRecordReader", "YamlRecordReader", "convert", "new_person", "register_readers"]


def register_readers() -> None:
    """Register the YAML and CSV readers (done on import; again is harmless)."""
    register(YamlRecordReader())
    register(CsvRecordReader())


register_readers()
