"""Settings of the HTTP service: the knowledge base's, plus the web layer's own."""

from pydantic import Field

from kg.config import Settings


class ApiSettings(Settings):
    """Environment variables ``VIRTUKG_*``; see the README's configuration table."""

    host: str = Field("127.0.0.1", description="Interface `kg serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `kg serve` listens on.")
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["localhost", "127.0.0.1", "::1"],
        description='Host names the service answers to (JSON list; "*": any, ".example.org": '
        "the domain and its subdomains); others get 400. `kg serve --host` adds the address it "
        "is given, unless it is 0.0.0.0 or ::.",
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Addresses of the proxies whose X-Forwarded-For is believed (comma-"
        'separated, "*": any): the fair SPARQL queue then sees the clients behind them.',
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS (none: CORS off)."
    )
    max_question_chars: int = Field(1000, ge=10, description="Longest question accepted.")
    max_history_messages: int = Field(20, ge=0, description="Longest history accepted.")
    max_body_bytes: int = Field(100_000, ge=1000, description="Largest request body accepted.")
    max_header_bytes: int = Field(
        32_768, ge=1024, description="Largest request line and headers accepted (431 beyond)."
    )
    header_seconds: float = Field(
        10.0, gt=0, description="Seconds a client has to send a request's line and headers."
    )
    body_seconds: float = Field(
        30.0, gt=0, description="Seconds a client has, after the headers, to send the body."
    )
    keepalive_requests: int = Field(
        100,
        ge=0,
        description="Requests served on one keep-alive connection before it is closed, so "
        "clients spread again over the workers (0: no limit).",
    )
    sparql_timeout: float = Field(5.0, gt=0, description="Seconds before a query is stopped.")
    sparql_update_timeout: float = Field(
        10.0, gt=0, description="Seconds before an update is stopped (nothing is changed)."
    )
    sparql_max_rows: int = Field(10_000, ge=1, description="Most rows a query may return.")
    sparql_max_bytes: int = Field(
        16_000_000, ge=1000, description="Largest SPARQL result body, in bytes (400 beyond)."
    )
    sparql_max_query_chars: int = Field(
        50_000, ge=100, description="Longest SPARQL query or update, in characters."
    )
    sparql_max_nesting: int = Field(
        100, ge=4, description="Deepest nesting of { ( [ in a SPARQL query or update."
    )
    sparql_worker_memory_mb: int = Field(
        1024, ge=128, description="Memory ceiling of each SPARQL worker process (MiB)."
    )
    sparql_workers: int = Field(
        2,
        ge=1,
        le=16,
        description="Processes answering SPARQL (with an external store: the queries one "
        "process sends it at once).",
    )
    sparql_per_client: int = Field(
        1, ge=1, description="SPARQL queries one client may have running at once, per process."
    )
    sparql_queue_per_client: int = Field(
        8, ge=0, description="SPARQL queries one client may have waiting (429 beyond)."
    )
    sparql_queue: int = Field(
        64, ge=0, description="SPARQL queries waiting in all, per process (429 beyond)."
    )
    sparql_queue_seconds: float = Field(
        15.0, gt=0, description="Longest wait in the SPARQL queue (503 beyond)."
    )
    sparql_updates: bool = Field(False, description="Accept SPARQL updates (with the token).")
    sparql_update_token: str = Field(
        "", description="Bearer token required for SPARQL updates (updates refused when empty)."
    )
    ready_token: str = Field(
        "", description="Bearer token that shows /ready's details to a client not on this machine."
    )
    model_name: str = Field(
        "virtukg", description="Model id of the OpenAI-compatible API (any other is refused)."
    )
