"""Build the Claude Desktop extension, an MCP Bundle (`.mcpb`), from the package's wheel: `make bundle`.

The bundle uses the MCPB spec's uv layout (manifest_version 0.4, server type "uv"): the host's
uv installs the dependencies named in the bundle's pyproject.toml and runs server/main.py, with
the package next to it. Dependencies are not vendored: pydantic-core (and so the MCP SDK) is
compiled, and no single bundle could carry it for every platform. The package's files are taken
from the wheel, so exactly what a release ships goes in, never a stale file of the checkout.
The archive is reproducible: sorted entries, fixed timestamps and permissions.

Usage: python packaging/mcpb/build.py WHEEL OUTDIR  (prints the bundle's path)
"""

from __future__ import annotations

import json
import sys
import tempfile
import zipfile
from email.parser import Parser
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
PACKAGE = "salesnav_mcp"
# The bundle's settings in Claude Desktop; an empty one runs that API on the sandbox.
USER_CONFIG = {
    "connectsafely_api_key": {
        "type": "string",
        "title": "ConnectSafely API key",
        "description": "From connectsafely.ai/api-key. Leave empty to try everything on the built-in sandbox "
        "(simulated LinkedIn data; nothing is sent).",
        "sensitive": True,
        "required": False,
        "default": "",
    },
    "linkedin_access_token": {
        "type": "string",
        "title": "LinkedIn partner API access token",
        "description": "A 3-legged OAuth token of an approved Sales Navigator partner app (contracts, analytics "
        "exports, CRM matching). Leave empty to use the sandbox for these tools.",
        "sensitive": True,
        "required": False,
        "default": "",
    },
}
LONG_DESCRIPTION = (
    "Search Sales Navigator leads and accounts, read your Social Selling Index and InMail credits, read "
    "conversations, draft messages and use the Sales Navigator partner API, with guardrails in the server: "
    "you confirm every send, searches are held to a monthly budget, and everything is audited. With no keys "
    "it runs on a built-in sandbox, so you can try it first."
)


def _metadata(wheel: zipfile.ZipFile) -> Any:
    [name] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return Parser().parsestr(wheel.read(name).decode())


def _dependencies(metadata: Any) -> list[str]:
    """The wheel's requirements without extras (`postgres` is for team servers)."""
    return [req for req in metadata.get_all("Requires-Dist") or [] if "extra ==" not in req]


def _tools(package_root: Path) -> list[dict[str, str]]:
    """Every tool the bundled package offers a model, as the registry declares them (a view's own app-only
    tools are not: a host never shows them to the model)."""
    sys.path.insert(0, str(package_root))
    from salesnav_mcp.tools import TOOLSETS

    return [
        {"name": spec.name, "description": spec.description.strip().splitlines()[0]}
        for toolset in TOOLSETS.values()
        for spec in toolset.tools
        if not spec.app_only
    ]


def manifest(metadata: Any, tools: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "manifest_version": "0.4",
        "name": "salesnav-mcp",
        "display_name": "LinkedIn Sales Navigator",
        "version": metadata["Version"],
        "description": metadata["Summary"],
        "long_description": LONG_DESCRIPTION,
        "author": {"name": "salesnav-mcp contributors"},
        "license": metadata.get("License-Expression") or "MIT",
        "keywords": ["linkedin", "sales navigator", "prospecting", "social selling index", "crm"],
        "server": {
            "type": "uv",
            "entry_point": "server/main.py",
            "mcp_config": {
                "command": "uv",
                "args": ["run", "--directory", "${__dirname}", "server/main.py"],
                "env": {
                    "CONNECTSAFELY_API_KEY": "${user_config.connectsafely_api_key}",
                    "LINKEDIN_ACCESS_TOKEN": "${user_config.linkedin_access_token}",
                },
            },
        },
        "user_config": USER_CONFIG,
        "tools": tools,
        "compatibility": {
            "platforms": ["darwin", "linux", "win32"],
            "runtimes": {"python": metadata["Requires-Python"]},
        },
    }


def pyproject(metadata: Any) -> str:
    """What uv installs for the bundle: a project that is not itself a package (no build system)."""
    dependencies = "".join(f"    {json.dumps(req)},\n" for req in _dependencies(metadata))
    return (
        "# The Claude Desktop extension's environment: uv installs these, then runs server/main.py.\n"
        "[project]\n"
        'name = "salesnav-mcp-bundle"\n'
        f'version = "{metadata["Version"]}"\n'
        f'requires-python = "{metadata["Requires-Python"]}"\n'
        f"dependencies = [\n{dependencies}]\n"
    )


def bundle_files(wheel_path: Path) -> tuple[str, dict[str, bytes]]:
    """The bundle's version and its files by archive name."""
    with zipfile.ZipFile(wheel_path) as wheel:
        metadata = _metadata(wheel)
        files = {
            f"server/{name}": wheel.read(name)
            for name in wheel.namelist()
            if name.startswith(f"{PACKAGE}/") and not name.endswith("/")
        }
        licenses = [n for n in wheel.namelist() if ".dist-info/licenses/" in n]
        files.update({f"{Path(name).name}": wheel.read(name) for name in licenses})
        with tempfile.TemporaryDirectory() as unpacked:
            for name in files:
                if name.startswith("server/"):
                    target = Path(unpacked) / name.removeprefix("server/")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(files[name])
            tools = _tools(Path(unpacked))
    files["server/main.py"] = (HERE / "main.py").read_bytes()
    files["pyproject.toml"] = pyproject(metadata).encode()
    files["manifest.json"] = (json.dumps(manifest(metadata, tools), indent=2, ensure_ascii=False) + "\n").encode()
    return metadata["Version"], files


def write_zip(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3  # Unix, whatever builds it
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name], compresslevel=9)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    wheel, outdir = Path(argv[0]), Path(argv[1])
    version, files = bundle_files(wheel)
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / f"salesnav-mcp-{version}.mcpb"
    write_zip(target, files)
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
