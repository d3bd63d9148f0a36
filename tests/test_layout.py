"""A repository is not one mesh: environments, directory detection, configured meshes,
shared context, the report scope, and resource identity, on layouts users really have."""

import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from renderers import need_kustomize

from meshlint.cli.main import main
from meshlint.layout.detect import _splits

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "gitops"


def env_tree(env: str, subsets: list[str], route: str, sampling: int) -> str:
    """One environment's bookinfo: the same names in every environment."""
    listed = "".join(f"  - name: {s}\n    labels: {{version: {s}}}\n" for s in subsets)
    return f"""\
apiVersion: v1
kind: Namespace
metadata:
  name: bookinfo
  labels: {{environment: {env}, istio-injection: enabled}}
---
apiVersion: v1
kind: Service
metadata: {{name: reviews, namespace: bookinfo}}
spec:
  selector: {{app: reviews}}
  ports: [{{name: http, port: 9080}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: reviews, namespace: bookinfo}}
spec:
  host: reviews
  subsets:
{listed}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: reviews, namespace: bookinfo}}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {{host: reviews, subset: {route}}}
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {{name: tracing, namespace: bookinfo}}
spec:
  tracing:
  - randomSamplingPercentage: {sampling}
"""


@pytest.fixture
def gitops(tmp_path, monkeypatch):
    """clusters/{dev,staging,prod} with the same names; prod routes to a subset only
    staging defines and samples every request; staging samples every request too."""
    (tmp_path / ".git").mkdir()
    trees = {
        "dev": env_tree("dev", ["v1"], "v1", 100),
        "staging": env_tree("staging", ["v1", "v3"], "v3", 100),
        "prod": env_tree("prod", ["v1"], "v3", 100),
    }
    for env, text in trees.items():
        (tmp_path / "clusters" / env).mkdir(parents=True)
        (tmp_path / "clusters" / env / "bookinfo.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(*args: str) -> tuple[int, dict]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--no-cache", "--format", "json", *args], out, err)
    assert code in (0, 1), err.getvalue()
    return code, json.loads(out.getvalue())


def found(report: dict) -> list[tuple[str, str, str]]:
    return sorted((f["rule"], f["file"], f["mesh"]) for f in report["findings"])


def env_of(file: str) -> str:
    return file.split("/")[1]


def test_each_environment_is_a_mesh_with_its_own_errors(gitops):
    _code, report = lint(".")
    rules = found(report)
    # prod routes to v3, which only staging defines: reported in prod, and only there
    assert ("dangling-subset", "clusters/prod/bookinfo.yaml", "clusters/prod") in rules
    assert [r for r in rules if r[0] == "dangling-subset"] == [
        ("dangling-subset", "clusters/prod/bookinfo.yaml", "clusters/prod")
    ]
    # production is decided per mesh: staging's and dev's 100% sampling is not production
    sampling = [r for r in rules if r[0] == "trace-sampling-production"]
    assert sampling == [
        ("trace-sampling-production", "clusters/prod/bookinfo.yaml", "clusters/prod")
    ]
    assert report["summary"]["meshes"] == 3


def test_no_finding_relates_two_environments_or_a_resource_to_itself(gitops):
    _code, report = lint(".")
    for finding in report["findings"]:
        assert finding["rule"] != "duplicate-resource"
        for related in finding["related"]:
            assert env_of(related["file"]) == env_of(finding["file"]), finding
        name = finding["resource"] and finding["resource"]["name"]
        assert (
            f"defined by {finding['resource']['kind']} bookinfo/{name}" not in (finding["message"])
        )


def test_naming_one_environment_reports_that_environment_only(gitops):
    _code, report = lint("clusters/prod")
    assert {f["mesh"] for f in report["findings"]} == {"clusters/prod"}
    assert {f["file"] for f in report["findings"]} == {"clusters/prod/bookinfo.yaml"}
    assert report["summary"]["files"] == 1
    # staging alone: its route to v3 resolves in its own mesh
    _code, report = lint("clusters/staging")
    assert [f["rule"] for f in report["findings"] if f["rule"] == "dangling-subset"] == []


def test_a_staged_file_is_checked_in_its_own_mesh(gitops):
    """The pre-commit hook names the changed files: the mesh they belong to is analysed."""
    _code, report = lint("clusters/prod/bookinfo.yaml")
    assert ("dangling-subset", "clusters/prod/bookinfo.yaml", "clusters/prod") in found(report)


def test_text_report_names_the_mesh_when_there_are_several(gitops):
    out = io.StringIO()
    main(["--no-cache", "--no-color", "."], out, io.StringIO())
    text = out.getvalue()
    assert "dangling-subset [clusters/prod] subset 'v3'" in text
    assert "in 3 meshes" in text


def test_a_directory_and_one_below_it_are_one_mesh(tmp_path, monkeypatch):
    """Definitions in a directory and its subdirectory are duplicates, not environments."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "mesh" / "old").mkdir(parents=True)
    text = env_tree("prod", ["v1"], "v1", 1)
    (tmp_path / "mesh" / "bookinfo.yaml").write_text(text)
    (tmp_path / "mesh" / "old" / "bookinfo.yaml").write_text(text.replace("v1", "v2"))
    monkeypatch.chdir(tmp_path)
    _code, report = lint(".")
    duplicates = [f for f in report["findings"] if f["rule"] == "duplicate-resource"]
    # Namespace, Service, DestinationRule, VirtualService and Telemetry: one finding each
    assert len(duplicates) == 5
    assert all(f["file"] == "mesh/bookinfo.yaml" for f in duplicates)
    # the last definition in path order (mesh/old/...) wins: its subset v2 is what routes see
    assert [f for f in report["findings"] if f["rule"] == "dangling-subset"] == []
    wins = duplicates[0]["related"][-1]
    assert (wins["file"], wins["message"]) == ("mesh/old/bookinfo.yaml", "the definition that wins")


def test_alternative_files_side_by_side_are_one_mesh_with_duplicates(tmp_path, monkeypatch):
    """Istio's bookinfo keeps several `reviews` VirtualServices in one directory."""
    (tmp_path / ".git").mkdir()
    networking = tmp_path / "samples" / "bookinfo" / "networking"
    networking.mkdir(parents=True)
    base = env_tree("dev", ["v1", "v2", "v3"], "v1", 1)
    (networking / "destination-rule-all.yaml").write_text(base.split("---\n")[2])
    for version in ("v1", "v2", "v3"):
        vs = base.split("---\n")[3].replace("subset: v1", f"subset: {version}")
        (networking / f"virtual-service-reviews-{version}.yaml").write_text(vs)
    monkeypatch.chdir(tmp_path)
    _code, report = lint(".")
    assert report["summary"]["meshes"] == 1
    duplicates = [f for f in report["findings"] if f["rule"] == "duplicate-resource"]
    assert len(duplicates) == 1
    assert "defined 3 times" in duplicates[0]["message"]
    assert duplicates[0]["file"].endswith("virtual-service-reviews-v1.yaml")
    for finding in report["findings"]:
        assert "is also defined by" not in finding["message"]


def test_configured_meshes_and_shared_context(gitops):
    """`meshes` names the environments; `shared` directories are context for each."""
    (gitops / "platform").mkdir()
    (gitops / "platform" / "gateway.yaml").write_text("""\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
""")
    for env in ("dev", "staging", "prod"):
        path = gitops / "clusters" / env / "bookinfo.yaml"
        path.write_text(
            path.read_text().replace(
                "  hosts: [reviews]\n",
                "  hosts: [reviews]\n  gateways: [mesh, istio-system/public]\n",
            )
        )
    _code, report = lint(".")
    # without config the platform directory is its own mesh: the gateway is not found
    assert {f["rule"] for f in report["findings"]} >= {"dangling-gateway"}
    (gitops / ".meshlint.yaml").write_text("meshes: [clusters/*]\nshared: [platform]\n")
    _code, report = lint(".")
    assert "dangling-gateway" not in {f["rule"] for f in report["findings"]}
    assert report["summary"]["meshes"] == 3
    assert {f["mesh"] for f in report["findings"]} <= {
        "clusters/dev",
        "clusters/staging",
        "clusters/prod",
    }


def test_meshes_command_explains_the_split(gitops):
    out = io.StringIO()
    assert main(["meshes"], out, io.StringIO()) == 0
    text = out.getvalue()
    assert "clusters/prod  (directory, 1 file)" in text
    assert "dev, prod and staging define the same resources" in text
    assert text.rstrip().endswith("3 meshes")
    out = io.StringIO()
    assert main(["meshes", "--format", "json"], out, io.StringIO()) == 0
    listed = json.loads(out.getvalue())
    assert [m["name"] for m in listed] == ["clusters/dev", "clusters/prod", "clusters/staging"]
    assert listed[1]["files"] == ["clusters/prod/bookinfo.yaml"]


def test_outside_any_repository_the_context_is_the_named_paths(tmp_path, monkeypatch):
    """`meshlint some/tree` from a directory in no repository reads only that tree."""
    (tmp_path / "tree").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "tree" / "vs.yaml").write_text(env_tree("dev", ["v1"], "v1", 1))
    (tmp_path / "other" / "broken.yaml").write_text("a: [\n")
    monkeypatch.chdir(tmp_path)
    _code, report = lint("tree")
    assert report["summary"]["files"] == 1
    assert all(f["file"].startswith("tree/") for f in report["findings"])


def test_standard_input_is_one_mesh_with_identity(monkeypatch):
    text = env_tree("dev", ["v1"], "v1", 1)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO((text + "---\n" + text).encode())))
    _code, report = lint("-")
    duplicates = [f for f in report["findings"] if f["rule"] == "duplicate-resource"]
    assert len(duplicates) == 5
    assert all(f["mesh"] == "<stdin>" for f in report["findings"])


def test_the_bundled_gitops_example_reports_each_planted_mistake_in_its_environment(
    tmp_path, monkeypatch
):
    need_kustomize()
    tree = tmp_path / "gitops"
    shutil.copytree(EXAMPLES, tree)
    (tree / ".git").mkdir()
    monkeypatch.chdir(tree)
    _code, report = lint(".")
    assert found(report) == [
        (
            "dangling-subset",
            "apps/ratings/base/virtual-service.yaml",
            "apps/ratings/overlays/staging",
        ),
        ("dangling-subset", "clusters/prod/bookinfo.yaml", "clusters/prod"),
        (
            "kustomize-list-replaced",
            "apps/ratings/overlays/staging/add-subset-v2.yaml",
            "apps/ratings/overlays/staging",
        ),
        ("trace-sampling-production", "clusters/prod/bookinfo.yaml", "clusters/prod"),
        ("weight-sum", "clusters/prod/bookinfo.yaml", "clusters/prod"),
    ]


def test_a_namespace_declared_by_several_applications_does_not_split(tmp_path, monkeypatch):
    """Applications of one cluster often each declare the namespace they live in: that is a
    duplicate, not two environments, and the route between them resolves."""
    (tmp_path / ".git").mkdir()
    namespace = (
        "apiVersion: v1\nkind: Namespace\n"
        "metadata: {name: shop, labels: {istio-injection: enabled}}\n---\n"
    )
    service = env_tree("dev", ["v1"], "v1", 1).split("---\n")[1]
    route = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: checkout, namespace: shop}
spec:
  hosts: [checkout]
  http: [{route: [{destination: {host: reviews.bookinfo.svc.cluster.local}}]}]
"""
    for app, text in (("reviews", service), ("checkout", route)):
        (tmp_path / "apps" / app).mkdir(parents=True)
        (tmp_path / "apps" / app / "app.yaml").write_text(namespace + text)
    monkeypatch.chdir(tmp_path)
    _code, report = lint(".")
    assert report["summary"]["meshes"] == 1
    assert [f["rule"] for f in report["findings"]] == ["duplicate-resource"]
    assert "Namespace shop is defined 2 times" in report["findings"][0]["message"]


def test_meshes_command_reports_a_bad_config_as_a_usage_error(gitops):
    (gitops / ".meshlint.yaml").write_text("meshs: [clusters/*]\n")
    err = io.StringIO()
    assert main(["meshes"], io.StringIO(), err) == 2
    assert "did you mean 'meshes'" in err.getvalue()


def test_sarif_results_carry_the_mesh(gitops):
    out = io.StringIO()
    main(["--no-cache", "--format", "sarif", "."], out, io.StringIO())
    results = json.loads(out.getvalue())["runs"][0]["results"]
    dangling = [r for r in results if r["properties"]["rule"] == "dangling-subset"]
    assert [r["properties"]["mesh"] for r in dangling] == ["clusters/prod"]


@given(
    st.lists(
        st.lists(st.sampled_from(["a", "a-b", "b", "x"]), min_size=0, max_size=3),
        min_size=2,
        max_size=8,
    )
)
def test_splits_from_neighbours_are_the_splits_from_every_pair(paths):
    """Detection compares each directory with its neighbour in sorted order only; the
    directories where some two definitions part must be the same as over every pair."""
    files = {
        "/".join(["", "r", *parts, f"f{i}.yaml"]): [("", "Service", "ns", "reviews")]
        for i, parts in enumerate(paths)
    }
    directories = {f: tuple(f.split("/")[:-1]) for f in files}
    expected = set()
    dirs = sorted(set(directories.values()))
    for i, first in enumerate(dirs):
        for second in dirs[i + 1 :]:
            end = 0
            while end < min(len(first), len(second)) and first[end] == second[end]:
                end += 1
            if end not in (len(first), len(second)):
                expected.add(first[:end])
    assert set(_splits(files, directories)) == expected
