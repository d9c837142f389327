"""The application: one shared engine, the JSON API, the pages, the static files, the error answers
and the request-body limit; `serve` runs it on uvicorn."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartParser

from .. import __version__
from ..errors import InputError, RulebookConflict
from ..yamlsafe import MAX_FILE_BYTES
from . import api, pages
from .engine import Engine, TooSlow

STATIC = Path(__file__).resolve().parent / "static"
# An upload may be as large as a scenario file the CLI reads, and no larger than the multipart parser
# keeps in memory: a bigger part would be spilled to a temporary file, and nothing is written to disk.
MAX_BODY = min(MAX_FILE_BYTES, MultiPartParser.spool_max_size)
DESCRIPTION = ("Consequences of US trafficking-in-persons tier placements, derived from the statutes. Each "
               "endpoint answers with the document `tierlaw ... --format json` prints for the same question, "
               "byte for byte; bad input is `{\"error\": message}` with the CLI's one-line message.")


def create_app(rules=None, data=None, backend: str | None = None, options: dict | None = None,
               timeout: float = 20.0, max_body: int = MAX_BODY, engine: Engine | None = None) -> FastAPI:
    engine = engine or Engine(rules, data, backend, options, timeout)
    app = FastAPI(title="tierlaw", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None)
    app.state.engine = engine
    app.add_middleware(BodyLimit, limit=max_body)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _answer_errors(app)
    return app


def _answer_errors(app: FastAPI) -> None:
    """Every failure is one line: JSON for the API, a page for people; never a traceback."""
    def add(kind, status, message, on_pages=None):
        async def handler(request: Request, err):
            words = message if on_pages is None or _is_api(request) else on_pages
            return failure(request, status(err) if callable(status) else status, words(err))
        app.add_exception_handler(kind, handler)
    add(InputError, 400, pages.cli_message, pages.page_message)  # the API in the CLI's words, pages in their own
    add(RulebookConflict, 400, lambda err: f"rulebook conflict: {err}")
    add(TooSlow, 503, str)
    add(RequestValidationError, 400, _validation_message)
    app.add_exception_handler(HTTPException, _http_error)
    add(Exception, 500, lambda err: f"internal error: {type(err).__name__}: {err}")


async def _http_error(request: Request, err: HTTPException):
    """The framework's own refusals; an address no page answers says where the pages are."""
    message = str(err.detail)
    if err.status_code == 404 and not _is_api(request):
        message = (f"No page answers the address {request.url.path[:80]!r}: the pages are in the menu above (What "
                   f"if, Countries, Trade check, Scenarios, The law, Audit)")
    return failure(request, err.status_code, message)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def failure(request: Request, status: int, message: str):
    if status == 413:  # a body too large while it was read: the rest of it is not read either
        return pages.too_large_page(request, status, message) if not _is_api(request) else \
            JSONResponse({"error": message}, status_code=status, headers={"connection": "close"})
    if _is_api(request):
        return JSONResponse({"error": message}, status_code=status)
    return pages.error_page(request, status, message)


def _validation_message(err: RequestValidationError) -> str:
    first = err.errors()[0]
    where = first["loc"][-1] if first.get("loc") else "request"
    return f"{where}: {first['msg']}"


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"request body too large (the limit is {limit} bytes)")


class BodyLimit:
    """Refuse request bodies over `limit` bytes: by their declared length at once, else while reading."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.limit:  # refused before a byte of it is read
            err = BodyTooLarge(self.limit)
            return await failure(Request(scope), err.status_code, err.detail)(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise BodyTooLarge(self.limit)  # FastAPI passes HTTPExceptions on to the handlers
            return message
        await self.app(scope, counted, send)


def serve(host: str = "127.0.0.1", port: int = 8000, **settings) -> None:
    import uvicorn
    _check_can_listen(host, port)
    app = create_app(**settings)
    engine = app.state.engine
    sys.stderr.write(f"tierlaw: serving http://{host}:{port}/ ({engine.base.backend.NAME} backend, "
                     f"{engine.timeout:g} s per request); Ctrl-C stops\n")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        engine.close()


def _check_can_listen(host: str, port: int) -> None:
    """A taken port or an unknown address is bad input: one line and exit 2, before anything loads."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as err:
        raise InputError(f"cannot listen on {host}:{port}: {err.strerror or err}", "--host/--port") from None
