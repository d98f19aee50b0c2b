"""The named SPARQL queries of ``ontology/queries/``, run with bound variables."""

from pathlib import Path

from rdflib.term import Node

from kg.namespaces import declarations_used
from kg.store import GraphStore, Row


class NamedQueries:
    """``queries.run("attribute", entity=..., property=...)`` runs ``attribute.rq``."""

    def __init__(self, store: GraphStore, directory: Path) -> None:
        self._store = store
        self.texts = {
            path.stem: path.read_text(encoding="utf-8") for path in directory.glob("*.rq")
        }

    def title(self, name: str) -> str:
        """What a query gives, in French: the first line of its opening comment."""
        first = self.texts[name].splitlines()[0] if self.texts[name] else ""
        return first.lstrip("# ").strip() if first.startswith("#") else name

    def standalone(self, name: str) -> str:
        """The query with the PREFIX declarations it needs, after its opening comment."""
        lines = self.texts[name].splitlines(keepends=True)
        comment = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
        body = "".join(lines[comment:])
        return "".join(lines[:comment]) + declarations_used(body) + body

    def run(self, name: str, **bindings: Node) -> list[Row]:
        return self._store.select(self.texts[name], bindings or None)
