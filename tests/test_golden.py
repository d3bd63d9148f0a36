"""Every golden case in tests/golden/*.yaml: the rule reports exactly the expected positions."""

import pytest
from golden import load_cases, run_case

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden_case(case, tmp_path):
    assert run_case(case, tmp_path) == case.expect
