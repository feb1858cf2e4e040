"""The reliability tests drive the same real bot and fake Discord as tests/e2e."""

from tests.e2e.conftest import (  # noqa: F401 (fixtures are found by name)
    db_path,
    fake,
    rete,
    rete_extensions,
    rete_process,
    rete_settings,
)
