"""Every error the API returns is JSON: {"error": <code>, "message": <what is wrong>}."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from kg.admission import QueueFull, WaitedTooLong
from kg.kb import UnknownEntity, UnknownPassage
from kg.sparql import SparqlError, syntax_message
from kg.store import QueryError, StoreUnavailable

log = logging.getLogger("api")

STORE_RETRY_SECONDS = 5
BUSY_RETRY_SECONDS = 2
SPARQL_STATUS = {
    "syntax": 400,
    "too_many_rows": 400,
    "forbidden": 403,
    "not_acceptable": 406,
    "timeout": 503,
    "worker_error": 503,
    "engine": 400,
    "busy": 503,
    "too_complex": 400,
    "too_large": 400,
    "out_of_memory": 503,
}
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {
        "description": description,
        "content": {
            "application/json": {
                "example": {"error": code, "message": "what is wrong, in plain words"}
            }
        },
    }
    for status, code, description in (
        (400, "bad_request", "Malformed input"),
        (404, "not_found", "Unknown resource"),
        (413, "too_large", "Request body too large"),
        (422, "invalid_request", "Invalid parameters"),
        (503, "store_unavailable", "The external SPARQL store cannot be reached"),
    )
}


def error_body(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


GRAPH_ERRORS = (SparqlError, StoreUnavailable, QueryError, QueueFull, WaitedTooLong)
GraphError = SparqlError | StoreUnavailable | QueryError | QueueFull | WaitedTooLong


def graph_error(error: GraphError) -> JSONResponse:
    """The JSON error for a query the graph's store could not answer, or not yet."""
    if isinstance(error, SparqlError):
        response = error_body(SPARQL_STATUS.get(error.kind, 400), error.kind, str(error))
        if error.kind == "busy":
            response.headers["retry-after"] = str(BUSY_RETRY_SECONDS)
        return response
    if isinstance(error, QueueFull):
        response = error_body(429, "too_many_requests", str(error))
        response.headers["retry-after"] = str(error.retry_after)
        return response
    if isinstance(error, WaitedTooLong):
        response = error_body(503, "busy", str(error))
        response.headers["retry-after"] = str(BUSY_RETRY_SECONDS)
        return response
    if isinstance(error, StoreUnavailable):
        log.warning("%s", error)
        response = error_body(503, "store_unavailable", f"{error}; try again shortly")
        response.headers["retry-after"] = str(STORE_RETRY_SECONDS)
        return response
    return error_body(400, "syntax", syntax_message(str(error)))


def _validation_message(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body")
        parts.append(f"{where}: {item.get('msg', 'invalid')}" if where else item.get("msg", ""))
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        return error_body(422, "invalid_request", _validation_message(error))

    @app.exception_handler(UnknownEntity)
    async def unknown(_: Request, error: UnknownEntity) -> JSONResponse:
        return error_body(404, "not_found", f"unknown entity {error.args[0]!r}")

    @app.exception_handler(UnknownPassage)
    async def unknown_passage(_: Request, error: UnknownPassage) -> JSONResponse:
        return error_body(404, "not_found", f"unknown passage {error.args[0]!r}")

    for kind in GRAPH_ERRORS:

        @app.exception_handler(kind)
        async def graph(_: Request, error: Exception) -> JSONResponse:
            return graph_error(error)  # type: ignore[arg-type]

    @app.exception_handler(HTTPException)
    async def http(_: Request, error: HTTPException) -> JSONResponse:
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(
            error.status_code, "error"
        )
        detail = error.detail if isinstance(error.detail, str) else str(error.detail)
        response = error_body(error.status_code, code, detail)
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_body(500, "internal_error", "unexpected error; it has been logged")
