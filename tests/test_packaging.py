"""Deployment files stay in step with the code: requirements.txt, Procfile, compose, Dockerfile."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.txt pins every package exactly, not {line!r}"
            pins[str(canonicalize_name(name))] = version
    return pins


def test_requirements_pin_every_runtime_dependency_within_its_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = _pins()
    for spec in project["dependencies"]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is missing from requirements.txt: run `make requirements`"
        assert requirement.specifier.contains(pins[name]), (name, pins[name], spec)
        for extra in requirement.extras:  # psycopg[binary] brings psycopg-binary
            assert canonicalize_name(f"{name}-{extra}") in pins


def test_procfile_runs_web_and_clock_through_the_module() -> None:
    lines = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert lines["web"].strip() == "python -m bot serve"
    assert lines["clock"].strip() == "python -m bot clock"


def test_compose_runs_web_and_clock_on_one_postgres() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "clock", "postgres"}
    for name in ("web", "clock"):
        url = services[name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgresql://") and "@postgres:5432/" in url
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["clock"]["command"] == ["python", "-m", "bot", "clock"]


def test_dockerfile_runs_as_a_non_root_user_with_a_health_check() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "\nUSER 10001:10001\n" in text
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert "TIKTOKEN_CACHE_DIR=/opt/tiktoken" in text
