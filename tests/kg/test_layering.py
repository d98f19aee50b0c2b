import subprocess
import sys
from pathlib import Path

import kg

WEB_MODULES = ("fastapi", "starlette", "uvicorn", "flask", "django", "aiohttp")


def test_kg_imports_no_web_framework():
    package = Path(kg.__file__).parent
    modules = sorted(
        "kg." + ".".join(path.relative_to(package).with_suffix("").parts)
        for path in package.rglob("*.py")
        if path.name != "__init__.py"
    )
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB_MODULES!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    for path in package.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not any(f"import {m}" in source or f"from {m}" in source for m in WEB_MODULES), path
