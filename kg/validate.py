"""SHACL validation of the extracted graph against ``ontology/shapes.ttl``."""

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    text: str


class ShapeViolation(ValueError):
    """The graph read from the corpus breaks a SHACL shape."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(f"the graph does not conform to the SHACL shapes:\n{report.text}")
        self.report = report


def validate(data: Graph, shapes_path: Path, ontology: Graph) -> ValidationReport:
    """Validate ``data`` (with the ontology's class hierarchy) against the shapes file."""
    shapes = Graph().parse(shapes_path, format="turtle")
    combined = Graph()
    for triple in (*data, *ontology):
        combined.add(triple)
    conforms, _, text = shacl_validate(combined, shacl_graph=shapes, advanced=True)
    return ValidationReport(bool(conforms), str(text))
