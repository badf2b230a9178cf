from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _mission(db: Any, organisation: Any) -> Any:
    """Public feedback belongs to the mission organisation, which every deployment has."""
    return organisation
