"""Settings shared by the library, the CLI and the API (environment prefix ``VIRTUKG_``)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
