"""How many examples a property test tries.

A test names its everyday count (what CI can afford); `pytest --hypothesis-profile=
thorough` (conftest.py) raises every count to that profile's. An explicit
`settings(max_examples=...)` would otherwise win over any profile.
"""

from __future__ import annotations

from hypothesis import settings


def examples(everyday: int) -> int:
    loaded = settings.default.max_examples
    return max(everyday, loaded) if loaded > settings.get_profile("voci").max_examples \
        else everyday
