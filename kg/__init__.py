"""VirtuKG: a knowledge graph and French question answering over course decks."""

__version__ = "0.1.0"
