import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True, scope="session")
def _hermetic_cache(tmp_path_factory):
    """Runs that do not name a cache directory use a private one, not the checkout's."""
    directory = tmp_path_factory.mktemp("meshlint-cache")
    patcher = pytest.MonkeyPatch()
    patcher.setenv("MESHLINT_CACHE_DIR", str(directory))
    yield
    patcher.undo()
