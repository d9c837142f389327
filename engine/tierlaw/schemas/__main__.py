"""`python -m tierlaw.schemas`: rebuild the JSON Schemas from the loaders' key sets."""

from . import main

main()
