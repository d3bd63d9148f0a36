"""``meshlint --fix``: golden before/after files per fix (``tests/fix/NAME.yaml`` is the input,
``NAME.fixed.yaml`` what ``--fix`` makes of it, ``NAME.unsafe.yaml`` what ``--fix
--unsafe-fixes`` makes), each also run with CRLF line endings; a second ``--fix`` changes
nothing; ``--diff`` output applies with ``patch`` to the same result; rendered output is never
edited. ``MESHLINT_REGEN=1`` rewrites the expected files (review the diff)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from renderers import need_kustomize

from meshlint.cli.main import main

CASES = Path(__file__).parent / "fix"
NAMES = sorted(p.name[: -len(".yaml")] for p in CASES.glob("*.yaml") if p.name.count(".") == 1)
REGEN = os.environ.get("MESHLINT_REGEN") == "1"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--no-cache", "--no-color", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


def _setup(tmp_path: Path, name: str, crlf: bool) -> tuple[Path, list[str]]:
    text = (CASES / f"{name}.yaml").read_text()
    target = tmp_path / f"{name}.yaml"
    target.write_bytes((text.replace("\n", "\r\n") if crlf else text).encode())
    config = tmp_path / ".meshlint.yaml"
    options = re.match(r"# options: (.*)\n", text)
    config.write_text(options[1] if options else "{}\n")
    return target, ["--config", str(config)]


def _expected(name: str, suffix: str, crlf: bool) -> bytes | None:
    path = CASES / f"{name}.{suffix}.yaml"
    if not path.exists():
        return None
    text = path.read_text()
    return (text.replace("\n", "\r\n") if crlf else text).encode()


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("name", NAMES)
def test_fix_golden(tmp_path, monkeypatch, name, unsafe, crlf):
    monkeypatch.chdir(tmp_path)
    target, config = _setup(tmp_path, name, crlf)
    before = target.read_bytes()
    flags = ["--unsafe-fixes"] if unsafe else []
    code, out, _ = _run(*config, "--fix", *flags, "--format", "json", target.name)
    assert code in (0, 1), out
    after = target.read_bytes()
    suffix = "unsafe" if unsafe else "fixed"
    if REGEN and not crlf:
        (CASES / f"{name}.{suffix}.yaml").write_bytes(after)
    expected = _expected(name, suffix, crlf)
    assert expected is not None, f"no {name}.{suffix}.yaml (MESHLINT_REGEN=1 writes it)"
    assert after == expected
    if after == before:  # a case whose fixes are all unsafe
        assert not unsafe and _expected(name, "unsafe", crlf) != before
    else:
        assert json.loads(out)["summary"]["fixed"] >= 1
    # Idempotent: a second run finds nothing more to fix and changes no byte.
    code, out, _ = _run(*config, "--fix", *flags, "--format", "json", target.name)
    assert target.read_bytes() == after
    assert json.loads(out)["summary"]["fixed"] == 0


@pytest.mark.parametrize("name", NAMES)
def test_diff_applies_with_patch(tmp_path, monkeypatch, name):
    if shutil.which("patch") is None:
        pytest.skip("patch is not installed: the --diff output is not applied")
    monkeypatch.chdir(tmp_path)
    target, config = _setup(tmp_path, name, crlf=False)
    before = target.read_bytes()
    code, diff, err = _run(*config, "--diff", "--unsafe-fixes", target.name)
    assert code == 1, err
    assert target.read_bytes() == before, "--diff must change nothing"
    subprocess.run(["patch", "-p0", "--quiet"], input=diff.encode(), check=True, cwd=tmp_path)
    # One pass: what --fix makes when no fix waits for a second pass.
    if "more after these are applied" not in err:
        assert target.read_bytes() == _expected(name, "unsafe", crlf=False)


def test_diff_with_nothing_to_fix_exits_0(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ns.yaml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
        "  labels: {istio-injection: enabled}\n"
    )
    code, diff, err = _run("--diff", "ns.yaml")
    assert (code, diff) == (0, "")
    assert "would fix 0 problems" in err


def test_fix_keeps_permissions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target, config = _setup(tmp_path, "injection-missing", crlf=False)
    target.chmod(0o640)
    _run(*config, "--fix", target.name)
    assert target.stat().st_mode & 0o777 == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".meshlint-fix-")]


def test_fix_and_diff_exclude_each_other(tmp_path):
    code, _, err = _run("--fix", "--diff", str(tmp_path))
    assert code == 2 and "exclude" in err


def test_text_summary_counts_fixed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target, config = _setup(tmp_path, "deprecated-field", crlf=False)
    _, out, _ = _run(*config, "--fix", target.name)
    assert re.search(r"Fixed 3 problems \(\d+ remaining\)\.", out), out


def test_rules_list_fix_safety():
    out = io.StringIO()
    main(["rules", "--format", "json"], out)
    by_name = {r["name"]: r["fix"] for r in json.loads(out.getvalue())}
    assert by_name["injection-missing"] == "safe"
    assert by_name["weight-sum"] == "mixed"
    assert by_name["schema-enum"] == "unsafe"
    assert by_name["dangling-host"] in ("none", "unsafe")


def test_rendered_output_is_never_edited(tmp_path, monkeypatch):
    """A finding in a kustomize render, mapped back to the patch that set the value, offers
    no fix: the edit of a source file is not known to make the rendered value right."""
    need_kustomize()
    (tmp_path / "base").mkdir()
    (tmp_path / "overlay").mkdir()
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [vs.yaml]\n")
    legacy = (CASES / "gateway-legacy-reference.yaml").read_text()
    (tmp_path / "base" / "vs.yaml").write_text(
        legacy.replace('"shop-gateway.istio-ingress"', "istio-ingress/shop-gateway").replace(
            "'shop-gateway.istio-ingress'", "istio-ingress/shop-gateway"
        )
    )
    (tmp_path / "overlay" / "kustomization.yaml").write_text(
        "resources: [../base]\npatches:\n- path: patch.yaml\n"
    )
    patch = (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
        "metadata: {name: shop, namespace: shop}\n"
        "spec:\n  gateways: [shop-gateway.istio-ingress]\n"
    )
    (tmp_path / "overlay" / "patch.yaml").write_text(patch)
    monkeypatch.chdir(tmp_path)
    _, out, _ = _run("--format", "json", "--exit-zero", ".")
    found = [(f["rule"], f["file"]) for f in json.loads(out)["findings"]]
    assert ("gateway-legacy-reference", "overlay/patch.yaml") in found
    code, diff, _ = _run("--diff", "--unsafe-fixes", ".")
    assert (code, diff) == (0, "")
    _run("--fix", "--unsafe-fixes", ".")
    assert (tmp_path / "overlay" / "patch.yaml").read_text() == patch


def test_every_fixing_rule_documents_its_fix():
    from meshlint.findings import FixSafety
    from meshlint.outputs.rule_docs import FIX, docstring_sections
    from meshlint.rules import RULES

    fixes_page = (Path(__file__).parent.parent / "docs" / "fixes.md").read_text()
    for rule in RULES:
        if rule.fix is not FixSafety.NONE:
            assert FIX in docstring_sections(rule.doc)[1], rule.name
            assert f"rules/{rule.name}.md" in fixes_page, rule.name


def test_fix_from_the_config_file(tmp_path, monkeypatch):
    """``fix: true`` in the config file fixes as ``--fix`` does (ruff's ``fix = true``)."""
    monkeypatch.chdir(tmp_path)
    target, config = _setup(tmp_path, "gateway-legacy-reference", crlf=False)
    (tmp_path / ".meshlint.yaml").write_text("fix: true\n")
    _run(*config, target.name)
    assert target.read_bytes() == _expected("gateway-legacy-reference", "fixed", crlf=False)


def test_no_fix_on_standard_input(tmp_path):
    code, _, err = _run("--fix", "-")
    assert code == 2 and "standard input" in err
