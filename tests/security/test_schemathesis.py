"""schemathesis against the app's own OpenAPI document: for every operation, a bounded number of
generated requests (valid ones, invalid ones, and valid ones aimed at a stored submission, finding,
draft, job and conversation) with an admin token, on a fresh data directory. No request may get a
5xx; every refusal is the JSON error with a Chinese message.

Bounded: ``EXAMPLES`` cases per operation and mode, no shrinking, no example database; the whole
file takes well under a minute here. The app runs in-process through schemathesis' ASGI transport.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from api.app import ApiSettings, create_app
from assistant.settings import Settings
from tests.security.conftest import seed

pytestmark = pytest.mark.slow  # ~300 requests: the full suite runs it, the fast lane does not

EXAMPLES = 5  # per operation: ~55 operations, each with valid, invalid and aimed cases
CASES = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                 phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@dataclass
class Target:
    schema: object
    headers: dict[str, str]
    real: dict[str, str]  # path parameter → an id that exists
    failures: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def target(tmp_path_factory, synth) -> Iterator[Target]:
    from schemathesis.python import asgi

    data_dir = tmp_path_factory.mktemp("schemathesis-data")
    tokens, by_name = seed(data_dir, [synth["docx_table"]], defer_vectors=True)
    sid = by_name[synth["docx_table"].name]
    app = create_app(Settings(data_dir=data_dir, max_upload_mb=1, max_archive_mb=2),
                     ApiSettings(ask_per_minute=60_000, ask_burst=10_000, upload_per_minute=60_000,
                                 upload_burst=10_000))
    headers = {"Authorization": f"Bearer {tokens['admin']}"}
    try:
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
        with asgi.get_client(app) as client:
            client.headers.update(headers)
            detail = client.get(f"/api/v1/submissions/{sid}").json()
            draft = client.post(f"/api/v1/drafts/review/{sid}", json={}).json()
            answer = client.post("/api/v1/ask", json={"question": "有哪些项目？"}).json()
            job = client.post("/api/v1/submissions", files=[("files", ("说明.txt", "项目名称：测试\n".encode()))],
                              data={"defer_vectors": "true"}).json()
        real = {"sid": sid, "fid": detail["findings"][0]["id"], "key": draft["key"], "job_id": job["id"],
                "conversation_id": answer["conversation_id"], "year": str(detail["summary"]["year"])}
        yield Target(schema, headers, real)
    finally:
        asgi.shutdown_lifespans()


def _operations(schema) -> list:
    ops = [result.ok() for result in schema.get_all_operations()]
    # deletions last, so the stored submission is there for every other operation
    return sorted(ops, key=lambda op: (op.method.upper() == "DELETE", op.path, op.method))


def _strategy(op, real: dict[str, str]):
    names = {p.name for p in op.path_parameters}
    strategies = [op.as_strategy(), op.as_strategy(GenerationMode.NEGATIVE)]
    if names and names <= set(real):
        strategies.append(op.as_strategy(path_parameters={n: real[n] for n in names}))
    return st.one_of(strategies)


def test_no_generated_request_gets_a_server_error(target):
    ops = _operations(target.schema)
    assert len(ops) >= 40
    calls = 0
    for op in ops:
        @CASES
        @given(case=_strategy(op, target.real))
        def run(case) -> None:
            nonlocal calls
            calls += 1
            response = case.call(headers=target.headers, timeout=60)
            where = f"{case.method} {case.formatted_path} → {response.status_code}"
            if response.status_code >= 500:
                target.failures.append(f"{where}: {response.text[:300]}\n  {case.as_curl_command()}")
            elif response.status_code >= 400:
                error = response.json().get("error", {})
                if not re.search(r"[\u4e00-\u9fff]", error.get("message", "")):
                    target.failures.append(f"{where}: refusal without a Chinese message: {response.text[:300]}")

        run()
    assert calls >= len(ops)
    assert not target.failures, "\n".join(target.failures)
