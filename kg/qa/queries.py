"""The named SPARQL queries of ``ontology/queries/``, run with bound variables."""

from pathlib import Path

from rdflib.term import Node

from kg.store import GraphStore, Row


class NamedQueries:
    """``queries.run("attribute", entity=..., property=...)`` runs ``attribute.rq``."""

    def __init__(self, store: GraphStore, directory: Path) -> None:
        self._store = store
        self.texts = {
            path.stem: path.read_text(encoding="utf-8") for path in directory.glob("*.rq")
        }

    def run(self, name: str, **bindings: Node) -> list[Row]:
        return self._store.select(self.texts[name], bindings or None)
