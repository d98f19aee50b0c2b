"""Schema-driven fuzzing of every route (schemathesis) on a live server: never a 5xx."""

from collections.abc import Callable

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES_PER_OPERATION = 25


def _fuzzer(
    strategy: st.SearchStrategy, statuses: list[int], failures: list[str]
) -> Callable[[], None]:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(data=st.data())
    def call(data: st.DataObject) -> None:
        case = data.draw(strategy)
        response = case.call()
        statuses.append(response.status_code)
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path}: {response.text[:200]}")

    return call


def test_no_route_answers_5xx(live_server):
    schema = schemathesis.openapi.from_url(f"{live_server}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    failures: list[str] = []
    statuses: list[int] = []
    for operation in operations:
        _fuzzer(operation.as_strategy(), statuses, failures)()
    assert failures == []
    assert len(statuses) >= 5 * len(operations)
    assert any(400 <= s < 500 for s in statuses) and any(s == 200 for s in statuses)
