import os

import pytest

from tierlaw.backends import durable_available
from tierlaw.queries import Context

BACKENDS = ["reference", "durable"]


def _backend_or_skip(name):
    if name == "durable" and not durable_available():
        if os.environ.get("TIERLAW_REQUIRE_DURABLE"):
            pytest.fail("durable-rules must be importable here (TIERLAW_REQUIRE_DURABLE is set)")
        pytest.skip("durable-rules does not import on this Python; the reference backend covers it")
    return name


_contexts = {}


def context(backend, **options):
    key = (backend, tuple(sorted(options.items())))
    if key not in _contexts:
        _contexts[key] = Context(backend=backend, options=options)
    return _contexts[key]


@pytest.fixture(params=BACKENDS)
def backend(request):
    return _backend_or_skip(request.param)


@pytest.fixture
def ctx(backend):
    return context(backend)
