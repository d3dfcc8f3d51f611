"""`make run PORT=…` serves on that port and builds every emailed link for it."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_builds_links_for_its_port():
    commands = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", "PORT=8100"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    serve = next(line for line in commands if "runserver" in line)
    seed = next(line for line in commands if "seed_demo" in line)
    assert serve.endswith("runserver 127.0.0.1:8100")
    assert "SITE_URL=http://127.0.0.1:8100" in serve
    assert "SITE_URL=http://127.0.0.1:8100" in seed
