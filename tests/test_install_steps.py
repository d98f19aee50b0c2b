"""What CI tests is what users and the image run: the same commands, the same install steps."""

import re
import tomllib

from kg.config import PROJECT_ROOT


def _pip_targets(lines: list[str]) -> list[str]:
    """The packages of each `pip install` line, options aside (`-e .` and `.` are the project)."""
    targets = []
    for line in lines:
        words = line.split("pip install", 1)[1].split()
        kept, skip = [], False
        for word in words:
            if skip:
                skip = False
            elif word in ("--extra-index-url", "--index-url"):
                skip = True
            elif not word.startswith("-"):
                kept.append("." if word.strip("'\"").startswith(".") else word)
        targets.append(" ".join(kept))
    return targets


def test_the_readme_opens_with_the_two_make_commands_and_ci_runs_the_second():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert readme.index("make run") < readme.index("## How it works")
    assert re.search(r"^make test$", (PROJECT_ROOT / ".ci" / "run").read_text(), re.MULTILINE)


def test_the_dockerfile_installs_like_make():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("$(VENV)/.installed:", 1)[1].split("\n\n", 1)[0]
    make_steps = _pip_targets([line for line in recipe.splitlines() if "pip install" in line])
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    docker_lines = [part for part in re.split(r"&&|\n", dockerfile) if "pip install" in part]
    assert make_steps == ["torch==2.13.0", "."]
    assert _pip_targets(docker_lines) == make_steps
    assert "kg build" in dockerfile and "HEALTHCHECK" in dockerfile and "USER virtukg" in dockerfile


def test_every_data_file_goes_into_the_installed_package():
    """The image installs with `pip install .`, which copies only the declared data files."""
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = pyproject["tool"]["setuptools"]["package-data"]
    for package, folder in (("kg", "data"), ("api", "static")):
        root = PROJECT_ROOT / package
        shipped = {path for pattern in declared[package] for path in root.glob(pattern)}
        for path in (root / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert path in shipped, path.relative_to(PROJECT_ROOT)


def test_the_readme_documents_every_setting_with_its_default():
    from api.settings import ApiSettings

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    rows = {
        cells[1].strip("` "): cells
        for line in readme.splitlines()
        if line.startswith("| `") and len(cells := line.split("|")) > 4
    }
    for name, field in ApiSettings.model_fields.items():
        assert name in rows, f"README configuration table lacks {name}"
        assert f"VIRTUKG_{name.upper()}" in rows[name][2]
        if isinstance(field.default, int | float | str) and not isinstance(field.default, bool):
            assert str(field.default) in rows[name][3], f"README default of {name}"


def test_the_compose_file_runs_the_tested_steps():
    """deploy/compose.yaml: an Oxigraph server serving the union, `kg publish` once, then
    replicas of `kg serve` over it — what tests/api/test_store.py runs."""
    import yaml

    from api.settings import ApiSettings

    compose = yaml.safe_load((PROJECT_ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    store = services["store"]["command"]
    assert store.startswith("oxigraph serve") and "--union-default-graph" in store
    assert services["publish"]["command"] == ["kg", "publish"]
    assert services["api"]["command"][:2] == ["kg", "serve"]
    assert services["api"]["deploy"]["replicas"] >= 2
    condition = services["api"]["depends_on"]["publish"]["condition"]
    assert condition == "service_completed_successfully"
    for service in ("publish", "api"):
        for name, value in services[service]["environment"].items():
            field = name.removeprefix("VIRTUKG_").lower()
            assert field in ApiSettings.model_fields, f"{service}: unknown setting {name}"
            if field.endswith("endpoint"):
                assert value.startswith("http://store:7878/")
    assert "api:8000" in (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
