"""Schema validation benchmark: ``python3 benchmarks/schema_validation.py [SERVICES [REPEAT]]``.

The tree is the one ``benchmarks/generate.py`` makes.

1. Candidates: every Istio document of that tree validated by each JSON Schema
   library (compile once per kind, then validate), valid documents and the same documents
   with an error in each.
2. Overhead: a whole ``meshlint`` analysis of the tree with and without the schema family
   (``--ignore ML50,ML51``: JSON Schema, CRD validation rules in CEL, list types), best of
   several runs of CPU time (the machine is shared, so wall time is noisy), and each part
   alone on a built mesh: the JSON Schema rules (ML501-ML508) and the CEL rules and list
   types (ML509-ML511, meshlint.schemas.structural), with every cache emptied first (CEL
   expressions compiled inside the timing).
"""

from __future__ import annotations

import contextlib
import copy
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

from meshlint.config.settings import Settings
from meshlint.engine.analyse import analyse
from meshlint.engine.run import Run
from meshlint.facts.graph import build_mesh
from meshlint.input.loader import load_paths
from meshlint.input.resources import extract_resources
from meshlint.rules import select_rules
from meshlint.schemas import structural
from meshlint.schemas.cel import engine
from meshlint.schemas.store import find_schema
from meshlint.schemas.validate import _validator

REPEAT = 7


def best(function, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def candidates(resources: list) -> None:
    import jsonschema

    builders = {"jsonschema (Draft7Validator, pre-built)": jsonschema.Draft7Validator}
    try:
        import fastjsonschema

        builders["fastjsonschema (compiled)"] = fastjsonschema.compile
    except ImportError:
        print("fastjsonschema not installed: skipped")
    try:
        import jsonschema_rs

        builders["jsonschema-rs (Draft7Validator)"] = jsonschema_rs.Draft7Validator
    except ImportError:
        print("jsonschema-rs not installed: skipped")
    found = {}
    for r in resources:
        hit = find_schema(r.group, r.version, r.kind)
        if hit:
            found[r.group, r.version, r.kind] = hit[1]
    documents = [(r.body, (r.group, r.version, r.kind)) for r in resources]
    documents = [(body, gvk) for body, gvk in documents if gvk in found]
    broken = []
    for body, gvk in documents:
        body = copy.deepcopy(dict(body))
        body["spec"] = dict(body["spec"], hostz=["typo"])
        broken.append((body, gvk))
    print(f"{len(documents)} Istio documents, {len(found)} kinds")
    for name, build in builders.items():
        start = time.process_time()
        validators = {gvk: build(schema) for gvk, schema in found.items()}
        compile_time = time.process_time() - start
        if name.startswith("fastjsonschema"):

            def run(docs, validators=validators):
                for body, gvk in docs:
                    with contextlib.suppress(Exception):
                        validators[gvk](body)

        else:

            def run(docs, validators=validators):
                for body, gvk in docs:
                    for _ in validators[gvk].iter_errors(body):
                        pass

        valid = best(lambda run=run: run(documents), 3)
        invalid = best(lambda run=run: run(broken), 3)
        print(
            f"  {name:42} compile {compile_time * 1000:7.1f} ms   valid {valid * 1000:7.1f} ms"
            f"   one error each {invalid * 1000:7.1f} ms"
        )


def overhead(root: Path) -> None:
    everything = select_rules()
    without = select_rules(ignore=["ML50", "ML51"])
    paths = [str(root)]

    def clear_caches():
        # As in a fresh process: schemas read, validators and CEL expressions compiled.
        find_schema.cache_clear()
        _validator.cache_clear()
        engine.compiled.cache_clear()
        structural._PLANS.clear()

    def cold_full():
        clear_caches()
        analyse(paths, Run(rules=everything))

    # Interleaved, so both sides see the same load from the other users of the machine.
    base = full = float("inf")
    for _ in range(REPEAT):
        base = min(base, best(lambda: analyse(paths, Run(rules=without)), 1))
        full = min(full, best(cold_full, 1))
    # The schema rules alone on an already built mesh: the part the run adds, measured
    # without the noise of the rest of the run.
    sources = load_paths(paths)
    mesh = build_mesh(extract_resources(sources).resources, sources, Settings())
    json_rules = [r for r in select_rules(["ML50"]) if r.code != "ML509"]
    cel_rules = select_rules(["ML509", "ML51"])

    def only(rules):
        def run():
            clear_caches()
            mesh.facts.clear()
            for rule in rules:
                list(rule.check(mesh, {}))

        return run

    json_alone = best(only(json_rules))
    cel_alone = best(only(cel_rules))
    print(
        f"JSON Schema rules alone (cold caches): {json_alone * 1000:.1f} ms = "
        f"{100 * json_alone / base:.1f}% of a run without the schema family"
    )
    print(
        f"CEL rules and list types alone (cold caches): {cel_alone * 1000:.1f} ms = "
        f"{100 * cel_alone / base:.1f}%"
    )
    print(
        f"meshlint run: without schema rules {base:.3f} s, with {full:.3f} s, "
        f"overhead {100 * (full - base) / base:.1f}%"
    )


def main() -> None:
    global REPEAT
    services = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    REPEAT = int(sys.argv[2]) if len(sys.argv) > 2 else REPEAT
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "tree", services)
        resources = extract_resources(load_paths([str(root)])).resources
        print(f"generated {len(resources)} documents for {services} services")
        candidates(resources)
        overhead(root)


if __name__ == "__main__":
    main()
