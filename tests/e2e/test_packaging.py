"""What `make dist` and `make bundle` produce: a wheel with exactly the sources, and a valid Claude Desktop extension.

The builds run on a copy of the project whose build/ holds stale modules, as an old in-tree
build leaves them; none may ship. The extension is checked as Claude Desktop would use it: the
official `mcpb` CLI unpacks and validates it, and its entry point serves MCP on stdio.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

import salesnav_mcp
from salesnav_mcp.tools import TOOLSETS
from tests.e2e.scenarios import assert_lists_and_calls_a_tool
from tests.e2e.test_node_tools import _node22_dir, _tool
from tests.support.processes import isolated_env

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
BUNDLE_BUILDER = ROOT / "packaging" / "mcpb" / "build.py"
STALE = ("salesnav_mcp/retired_module.py", "salesnav_mcp/tools/retired_toolset.py")
BUILD_TIMEOUT = 300


def source_files() -> set[str]:
    """The package's files as the checkout has them, named as inside a wheel."""
    package = ROOT / "src" / "salesnav_mcp"
    return {
        f"salesnav_mcp/{path.relative_to(package).as_posix()}"
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def copy_project(target: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    target.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "src", target / "src", ignore=ignore)
    for stale in STALE:  # left behind by an earlier in-tree build of a version that had them
        path = target / "build" / "lib" / stale
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("RETIRED = True\n")
    return target


def build(project: Path, outdir: Path, *flags: str) -> None:
    """What `make dist` runs (with --wheel only to show what an in-tree wheel build would ship)."""
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", *flags, "--outdir", str(outdir), str(project)],
        capture_output=True, text=True, timeout=BUILD_TIMEOUT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def build_bundle(wheel: Path, outdir: Path) -> Path:
    """What `make bundle` runs."""
    result = subprocess.run(
        [sys.executable, str(BUNDLE_BUILDER), str(wheel), str(outdir)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("dist")
    build(copy_project(workdir / "project"), workdir / "dist")
    return workdir / "dist"


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    [found] = dist.glob("salesnav_mcp-*.whl")
    return found


@pytest.fixture(scope="module")
def bundle(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundle(wheel, tmp_path_factory.mktemp("bundle"))


def package_names(names: list[str], prefix: str = "") -> set[str]:
    return {name.removeprefix(prefix) for name in names if name.startswith(f"{prefix}salesnav_mcp/")}


def test_the_wheel_ships_exactly_the_sources(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert package_names(names) == source_files()
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def test_the_sdist_ships_exactly_the_sources(dist: Path) -> None:
    [sdist] = dist.glob("salesnav_mcp-*.tar.gz")
    listing = subprocess.run(["tar", "tzf", str(sdist)], capture_output=True, text=True, check=True).stdout
    names = [name.split("/", 1)[1] for name in listing.splitlines() if "/" in name and not name.endswith("/")]
    assert package_names(names, "src/") == source_files()
    assert "LICENSE" in names


def test_an_in_tree_wheel_build_would_ship_the_stale_modules(tmp_path: Path) -> None:
    """Why `make dist` builds the wheel from the sdist: the direct way picks up build/lib."""
    build(copy_project(tmp_path / "project"), tmp_path / "out", "--wheel")
    [wheel] = (tmp_path / "out").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert set(STALE) <= set(archive.namelist())


def test_the_bundle_holds_the_package_its_entry_point_and_nothing_else(bundle: Path, wheel: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        infos = archive.infolist()
    names = {info.filename for info in infos}
    assert names == {"manifest.json", "pyproject.toml", "LICENSE", "server/main.py"} | {
        f"server/{name}" for name in source_files()
    }
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in infos)
    assert bundle.stat().st_size < 1_000_000
    again = build_bundle(wheel, bundle.parent / "again")
    assert again.read_bytes() == bundle.read_bytes()  # reproducible


def test_the_manifest_asks_for_both_keys_as_optional_secrets(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        pyproject = archive.read("pyproject.toml").decode()
    assert manifest["manifest_version"] == "0.4" and manifest["version"] == salesnav_mcp.__version__
    server = manifest["server"]
    assert server["type"] == "uv" and server["entry_point"] == "server/main.py"
    assert server["mcp_config"]["env"] == {
        "CONNECTSAFELY_API_KEY": "${user_config.connectsafely_api_key}",
        "LINKEDIN_ACCESS_TOKEN": "${user_config.linkedin_access_token}",
    }
    for key in ("connectsafely_api_key", "linkedin_access_token"):
        option = manifest["user_config"][key]
        assert option["sensitive"] is True and option["required"] is False
        assert option["default"] == ""  # substituted as empty, which means sandbox
        assert "sandbox" in option["description"]
    offered = [spec.name for ts in TOOLSETS.values() for spec in ts.tools if not spec.app_only]
    assert [tool["name"] for tool in manifest["tools"]] == offered
    app_only = {spec.name for ts in TOOLSETS.values() for spec in ts.tools if spec.app_only}
    assert app_only and not app_only & {tool["name"] for tool in manifest["tools"]}  # views' own, never listed
    assert '"mcp<3,>=2.3"' in pyproject and "psycopg" not in pyproject and "build-system" not in pyproject


@pytest.fixture
def extension(bundle: Path, tmp_path: Path) -> Path:
    """The bundle unpacked, as Claude Desktop installs it."""
    unpacked = tmp_path / "extension"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(unpacked)
    return unpacked


def test_the_entry_point_imports_the_bundled_package(extension: Path) -> None:
    where = subprocess.run(
        [sys.executable, "-c", "import sys; sys.path.insert(0, 'server'); import salesnav_mcp; print(salesnav_mcp.__file__)"],
        capture_output=True, text=True, cwd=extension, check=True,
    ).stdout  # fmt: skip
    assert Path(where.strip()).is_relative_to(extension)  # not the checkout's


@pytest.mark.anyio
async def test_the_entry_point_serves_on_the_sandbox_when_the_keys_are_left_empty(
    extension: Path, tmp_path: Path
) -> None:
    env = isolated_env(
        tmp_path,
        CONNECTSAFELY_API_KEY="${user_config.connectsafely_api_key}",  # a host that left it unsubstituted
        LINKEDIN_ACCESS_TOKEN="",  # Claude Desktop substitutes the empty default
    )
    params = StdioServerParameters(command=sys.executable, args=["server/main.py"], env=env, cwd=extension)
    async with Client(params) as client:
        await assert_lists_and_calls_a_tool(client)


@pytest.mark.node
def test_mcpb_unpacks_and_validates_the_bundle(bundle: Path, tmp_path: Path) -> None:
    env = {"PATH": f"{_node22_dir()}:/usr/bin:/bin", "HOME": str(tmp_path)}
    unpack = subprocess.run(
        [_tool("mcpb"), "unpack", str(bundle), str(tmp_path / "unpacked")],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert unpack.returncode == 0, unpack.stdout + unpack.stderr
    validate = subprocess.run(
        [_tool("mcpb"), "validate", str(tmp_path / "unpacked" / "manifest.json")],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "Manifest schema validation passes!" in validate.stdout
