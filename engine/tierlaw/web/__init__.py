"""`tierlaw serve`: pages for people and a JSON API whose documents are the CLI's JSON, byte for byte.

`create_app(...)` builds the application around one shared engine (`engine.Engine`); `serve(...)` runs
it on uvicorn. Imported only by `tierlaw serve`, so the rest of the command line stays fast."""

from .app import create_app, serve

__all__ = ["create_app", "serve"]
