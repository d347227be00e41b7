"""The wheel as users install it: one import namespace (``gknb``), no developer tools inside,
and ``gknb parse`` working from a fresh environment on a real report."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(out), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    [path] = out.glob("gknb-*.whl")
    return path


def test_the_wheel_installs_one_namespace_without_tools(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"gknb"}
    assert "gknb/parsers/pdf.py" in names and "gknb/archive/report.xsd" in names
    assert "gknb/template/official.toml" in names and "gknb/jobs/january.py" in names
    assert not [n for n in names if "/dev/" in n or "bench" in n or "make_sample" in n]


def test_gknb_parse_runs_from_the_installed_wheel(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    # Only the wheel goes into the fresh environment; its dependencies come from this one's
    # site-packages (PYTHONPATH does not run .pth files, so no editable checkout leaks in).
    target = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            capture_output=True, text=True, check=True).stdout.strip()
    with zipfile.ZipFile(wheel) as z:
        z.extractall(target)
    deps = sysconfig.get_paths()["purelib"]
    done = subprocess.run([str(python), "-m", "gknb.cli", "parse", str(CORPUS / "html" / "平潭综合实验区_2023.html")],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={"PYTHONPATH": deps, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "确定 200" in done.stdout
    where = subprocess.run([str(python), "-c", "import gknb.parsers; print(gknb.parsers.__file__)"],
                           capture_output=True, text=True, env={"PYTHONPATH": deps}, cwd=tmp_path)
    assert where.stdout.strip().startswith(target)
    no_top = subprocess.run([str(python), "-c", "import parsers"], capture_output=True, text=True,
                            env={"PYTHONPATH": deps}, cwd=tmp_path)
    assert no_top.returncode != 0
