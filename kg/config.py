"""Settings shared by the library, the CLI and the API (environment prefix ``VIRTUKG_``)."""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from kg.embed import DEFAULT_MODEL, EmbeddingBackend
from kg.qa.model import MODEL_PATH
from kg.remote import Endpoints
from kg.search import Fusion

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Where the inputs and the built artifacts live, and how the knowledge base is built."""

    model_config = SettingsConfigDict(env_prefix="VIRTUKG_", extra="ignore")

    corpus_dir: Path = Field(PROJECT_ROOT / "corpus", description="Folder of *.txt documents.")
    ontology_dir: Path = Field(
        PROJECT_ROOT / "ontology", description="Vocabulary, SHACL shapes and named queries."
    )
    artifacts_dir: Path = Field(
        PROJECT_ROOT / "artifacts", description="Where `kg build` writes what it derives."
    )
    embedding_model: str = Field(
        DEFAULT_MODEL,
        description="sentence-transformers model: a local path, a cached name, or the default "
        "packaged all-MiniLM-L6-v2. Changing it rebuilds the vectors.",
    )
    embedding_backend: EmbeddingBackend = Field(
        EmbeddingBackend.ONNX_INT8,
        description="What encodes passages and questions: `onnx-int8` (the model exported "
        "to ONNX at build time, int8 weights: fastest), `onnx` (float32, the model's exact "
        "vectors) or `torch`. Changing it rebuilds the vectors.",
    )
    title_weight: int = Field(2, ge=0, le=10, description="Extra weight of title terms in BM25.")
    hnsw_threshold: int = Field(
        50_000, ge=1, description="From this many passages on, vectors use an HNSW index."
    )
    fusion: Fusion = Field(Fusion.CONVEX, description="How lexical and dense results combine.")
    qa_model: Path = Field(
        MODEL_PATH,
        description="The fitted question-answering model: fusion and reader weights, "
        "confidence model and thresholds (`kg eval --fit`).",
    )
    sparql_endpoint: str = Field(
        "",
        description="Query URL of an external SPARQL store holding the graph (SPARQL 1.1 "
        "Protocol; `kg publish` loads it). Empty: the graph is embedded in each process.",
    )
    sparql_update_endpoint: str = Field(
        "", description="Update URL of the external store (`kg publish`, authorised updates)."
    )
    sparql_store_endpoint: str = Field(
        "", description="Graph Store Protocol URL of the external store (faster dumps)."
    )
    sparql_user: str = Field("", description="User for the external store (HTTP Basic).")
    sparql_password: SecretStr = Field(
        SecretStr(""), description="Password for the external store (HTTP Basic)."
    )
    store_timeout: float = Field(
        10.0, gt=0, description="Seconds the service waits for the external store."
    )

    def endpoints(self) -> Endpoints | None:
        """The external store's endpoints, or ``None`` for the embedded store."""
        if not self.sparql_endpoint:
            return None
        return Endpoints(
            query=self.sparql_endpoint,
            update=self.sparql_update_endpoint,
            store=self.sparql_store_endpoint,
            user=self.sparql_user,
            password=self.sparql_password.get_secret_value(),
        )
