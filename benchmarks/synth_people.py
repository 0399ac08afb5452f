"""A stand-in national-shaped data set: the bundled people copied with new IRIs.

Until ``benchmarks/synth.py`` lands, the validation benchmark needs data that passes validation
and grows one person's file at a time (so "one person's file changed" is a real case). Each copy
renames every bundled person slug (``lgd:ayesha-rahim...`` -> ``lgd:ayesha-rahim-c42...``) in all
six files, so cross-references between people stay inside a copy; organisations, programmes,
sources and traits are shared, as a national data set shares its organisations.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from leadgraph import resources


_NAME = re.compile(r'(foaf:name "[^"]+)"')


def _people() -> dict[str, str]:
    folder = resources.data_dir() / "people"
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.ttl"))}


def write(folder: Path, triples: int) -> list[Path]:
    """Write shared files plus enough person copies to reach about ``triples`` triples
    (counting the ontology); returns the person files written."""
    from leadgraph.loading import load

    if folder.exists():
        shutil.rmtree(folder)
    (folder / "people").mkdir(parents=True)
    data = resources.data_dir()
    for shared in data.glob("*.ttl"):
        shutil.copy(shared, folder / shared.name)
    people = _people()
    base = len(load(folder))
    per_set = len(load(data)) - len(load([p for p in data.glob("*.ttl")]))
    slug = re.compile(r"lgd:(" + "|".join(re.escape(s) for s in people) + r")\b")
    copies = max(1, round((triples - base) / per_set))
    written = []
    for n in range(copies):
        for stem, text in people.items():
            path = folder / "people" / f"{stem}-c{n}.ttl"
            copy = slug.sub(lambda m: f"lgd:{m.group(1)}-c{n}", text)
            # Each copy is another person: another name too, or validation would warn that the same
            # person is recorded twice (same name, same organisation).
            copy = _NAME.sub(lambda m: f'{m.group(1)} {n}"' if n else m.group(0), copy)
            path.write_text(copy, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    import sys

    out = write(Path(sys.argv[1]), int(float(sys.argv[2])))
    print(len(out), "person files")
