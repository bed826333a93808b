"""Every operation of the JSON API, fuzzed from its own OpenAPI document (Schemathesis, property-based):
no answer is a server error, every status code, content type and response body is one the document
declares. On the demo catalog, in process (ASGI), a bounded number of generated requests per operation.

Not checked: that every schema-valid request is accepted — the API refuses, with a 400 and one line,
values its document cannot express (a search of punctuation alone, a service it does not know)."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import FailureGroup, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from reelradar.api import create_app
from reelradar.config import load_settings

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 25  # per operation: about 20 s for the whole API here


def test_every_operation_answers_as_its_document_says(demo_dir: Path) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(load_settings(data_dir=demo_dir)))
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def run(case: object) -> None:
            case.call_and_validate(checks=CHECKS)  # type: ignore[attr-defined]

        try:
            run()
        except (FailureGroup, AssertionError) as exc:  # keep going: report every operation that failed
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}")
    assert operations >= 20
    assert not failures, "\n\n".join(failures)
