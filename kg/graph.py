"""Build the RDF dataset of a corpus: the extracted graphs plus the hand-written ontology."""

from pathlib import Path

from rdflib import Dataset, Graph

from kg.corpus import Corpus
from kg.extract import extract
from kg.namespaces import ONTOLOGY_GRAPH, PREFIXES
from kg.validate import ShapeViolation, validate

ONTOLOGY_FILE = "virtukg.ttl"
SHAPES_FILE = "shapes.ttl"


def load_ontology(ontology_dir: Path) -> Graph:
    return Graph().parse(ontology_dir / ONTOLOGY_FILE, format="turtle")


def union_graph(dataset: Dataset) -> Graph:
    """Every triple of every graph of the dataset, in one graph."""
    graph = Graph()
    for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
        graph.add((subject, predicate, obj))
    return graph


def build_dataset(corpus: Corpus, ontology_dir: Path) -> Dataset:
    """Extract the corpus, check it against the SHACL shapes, add the ontology graph.

    Raises:
        ShapeViolation: the extracted graph breaks a shape; the report says which.
    """
    dataset = extract(corpus.documents)
    ontology = load_ontology(ontology_dir)
    report = validate(union_graph(dataset), ontology_dir / SHAPES_FILE, ontology)
    if not report.conforms:
        raise ShapeViolation(report)
    ontology_graph = dataset.graph(ONTOLOGY_GRAPH)
    for triple in ontology:
        ontology_graph.add(triple)
    for name, namespace in PREFIXES.items():
        dataset.bind(name, namespace)
    return dataset
