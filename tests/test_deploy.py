"""docker-compose.yml (docs/deploy.md): Docker is not on the test machines, so what can be checked
without it is: the file is YAML of the expected shape, every ZIPING_* variable it sets is a real
setting, and every command it runs is a real ``ziping`` command with those options."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
import yaml

from api.app import ApiSettings
from api.cli import app as cli_app
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def _setting_names() -> set[str]:
    names = {f"ZIPING_{name.upper()}" for name in Settings.model_fields}
    return names | {f"ZIPING_API_{name.upper()}" for name in ApiSettings.model_fields}


def test_topology_is_server_two_workers_postgres_and_chroma(compose: dict) -> None:
    services = compose["services"]
    assert {"server", "worker", "postgres", "chroma", "migrate"} <= set(services)
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["worker"]["command"][:2] == ["ziping", "worker"]
    assert services["server"]["command"][:2] == ["ziping", "serve"]
    # workers and server share the data directory (uploads, originals)
    assert services["server"]["volumes"] == services["worker"]["volumes"]
    for name in ("server", "worker"):
        env = services[name]["environment"]
        assert env["ZIPING_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "@postgres:" in env["ZIPING_DATABASE_URL"]
        assert env["ZIPING_CHROMA_URL"] == "http://chroma:8000"
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # the server queues only: the two workers run the jobs
    assert services["server"]["environment"]["ZIPING_API_START_WORKER"] == "false"
    assert "ZIPING_API_START_WORKER" not in services["worker"]["environment"]


def test_every_ziping_variable_is_a_setting(compose: dict) -> None:
    known = _setting_names()
    seen = set()
    for service in compose["services"].values():
        for key in (service.get("environment") or {}):
            if key.startswith("ZIPING_"):
                seen.add(key)
                assert key in known, f"{key} is no setting of assistant/settings.py or ApiSettings"
    assert {"ZIPING_DATA_DIR", "ZIPING_DATABASE_URL", "ZIPING_CHROMA_URL"} <= seen
    # and a misspelt one would be caught
    assert "ZIPING_CHROMA_ADDRESS" not in known


def test_every_command_is_a_ziping_command(compose: dict) -> None:
    root = typer.main.get_command(cli_app)
    for name, service in compose["services"].items():
        command = service.get("command")
        if not command or command[0] != "ziping":
            continue
        group = root
        words = command[1:]
        # typer carries its own click: a group is what has sub-commands
        while getattr(group, "commands", None) and words and not words[0].startswith("-"):
            sub = group.commands.get(words[0])
            assert sub is not None, f"{name}: no such command {words[0]!r}"
            group, words = sub, words[1:]
        options = {opt for p in group.params for opt in getattr(p, "opts", [])}
        for word in words:
            if word.startswith("--"):
                assert word in options, f"{name}: {group.name} has no option {word}"


def test_dockerfile_and_guide_exist_and_agree(compose: dict) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "[postgres]" in dockerfile  # the PostgreSQL driver is an extra
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for name in _compose_variables(compose):
        assert name in guide, f"docs/deploy.md does not explain {name}"
    assert "eval.load" in guide


def _compose_variables(compose: dict) -> set[str]:
    return {key for service in compose["services"].values() for key in (service.get("environment") or {})
            if key.startswith("ZIPING_")}
