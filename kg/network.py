"""A networkx view of the graph: entities as nodes, relations between them as edges.

Used for neighbourhoods ("what is around KVM") and paths ("how are KVM and QEMU
linked"). Passages, documents and vocabulary terms are not nodes.
"""

from dataclasses import dataclass
from itertools import pairwise

import networkx as nx

from kg.namespaces import local_id
from kg.store import GraphStore

_ENTITY_EDGES = """
SELECT ?s ?p ?o ?sLabel ?oLabel ?sType ?oType WHERE {
  ?s ?p ?o .
  FILTER(isIRI(?o) && STRSTARTS(STR(?s), STR(res:)) && STRSTARTS(STR(?o), STR(res:)))
  FILTER(?p NOT IN (vkg:mentionedIn, vkg:listedIn, dct:isPartOf))
  ?s skos:prefLabel ?sLabel ; a ?sType .
  ?o skos:prefLabel ?oLabel ; a ?oType .
  FILTER(STRSTARTS(STR(?sType), STR(vkg:)) && STRSTARTS(STR(?oType), STR(vkg:)))
}
"""


@dataclass(frozen=True)
class Edge:
    source: str
    predicate: str
    target: str


class EntityNetwork:
    """Entities and their relations as a directed multigraph keyed by short ids."""

    def __init__(self, store: GraphStore) -> None:
        self.graph: nx.MultiDiGraph = nx.MultiDiGraph()
        for row in store.select(_ENTITY_EDGES):
            source, target = local_id(str(row["s"])), local_id(str(row["o"]))
            for node, label, cls in (
                (source, row["sLabel"], row["sType"]),
                (target, row["oLabel"], row["oType"]),
            ):
                self.graph.add_node(node, label=str(label), type=str(cls).split("#")[-1])
            predicate = str(row["p"]).split("#")[-1].split("/")[-1]
            self.graph.add_edge(source, target, key=predicate, predicate=predicate)

    def __contains__(self, node: str) -> bool:
        return node in self.graph

    def neighbours(self, node: str, depth: int = 1) -> tuple[list[str], list[Edge]]:
        """Nodes within ``depth`` hops (either direction) and the edges among them."""
        if node not in self.graph:
            raise KeyError(node)
        reached = nx.single_source_shortest_path_length(
            self.graph.to_undirected(as_view=True), node, cutoff=depth
        )
        nodes = sorted(reached, key=lambda n: (reached[n], n))
        sub = self.graph.subgraph(nodes)
        edges = [Edge(s, data["predicate"], t) for s, t, data in sub.edges(data=True)]
        return nodes, edges

    def path(self, source: str, target: str) -> list[Edge]:
        """The relations along a shortest path between two entities (empty when unconnected)."""
        for node in (source, target):
            if node not in self.graph:
                raise KeyError(node)
        undirected = self.graph.to_undirected(as_view=True)
        try:
            nodes = nx.shortest_path(undirected, source, target)
        except nx.NetworkXNoPath:
            return []
        edges: list[Edge] = []
        for a, b in pairwise(nodes):
            if self.graph.has_edge(a, b):
                predicate = next(iter(self.graph.get_edge_data(a, b)))
                edges.append(Edge(a, predicate, b))
            else:
                predicate = next(iter(self.graph.get_edge_data(b, a)))
                edges.append(Edge(b, predicate, a))
        return edges
