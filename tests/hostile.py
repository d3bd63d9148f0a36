"""A corpus of hostile and broken input, mixed with good manifests, for the robustness tests.

``build(root)`` writes it and returns what each bad file must be reported with: relative path
-> ``(rule, line)`` pairs (1-based line, None where no line exists). The good files hold one
planted mistake, a VirtualService routing to a host nobody defines (``GOOD_MISTAKE``).
"""

from __future__ import annotations

import os
from pathlib import Path

GOOD = """\
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviewz
"""
# The planted mistake: dangling-host at good/shop.yaml line 16.
GOOD_MISTAKE = ("good/shop.yaml", "dangling-host", 16)

GOOD_JSON = """\
{
\t"apiVersion": "networking.istio.io/v1",
\t"kind": "DestinationRule",
\t"metadata": {"name": "reviews", "namespace": "shop"},
\t"spec": {"host": "reviews", "subsets": [{"name": "v1", "labels": {"version": "v1"}}]}
}
"""

ALIAS_BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""

HELM = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: {{ .Release.Name }}-reviews
spec:
  hosts: [reviews]
"""

# Text files: name -> (content, [(rule, line)]).
TEXT: dict[str, tuple[str, list[tuple[str, int | None]]]] = {
    "syntax/unclosed-flow.yaml": ("a: [1, 2\nb: 3\n", [("yaml-syntax", 2)]),
    "syntax/bad-indent.yaml": ("a:\n  b: 1\n c: 2\n", [("yaml-syntax", 3)]),
    "syntax/unclosed-quote.yaml": ('kind: "Service\n', [("yaml-syntax", 2)]),
    "syntax/mapping-in-scalar.yaml": ("a: b: c\n", [("yaml-syntax", 1)]),
    "syntax/undefined-alias.yaml": ("a: *nothing\n", [("yaml-syntax", 1)]),
    "syntax/control-character.yaml": ("a: 1\nb: \x07\n", [("yaml-syntax", 2)]),
    "syntax/after-a-good-document.yaml": (
        GOOD.replace("shop}", "ns2}") + "---\n[unclosed\n",
        [("dangling-host", 16), ("yaml-syntax", 19)],
    ),
    "syntax/tabs.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata:\n\tname: x\n",
        [("yaml-syntax", 4)],
    ),
    "duplicate-key.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n",
        [("duplicate-key", 5)],
    ),
    "metadata/name-number.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: 123\n",
        [("invalid-metadata", 4)],
    ),
    "metadata/name-null.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: null\n",
        [("invalid-metadata", 4)],
    ),
    "metadata/name-list.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: [a]\n",
        [("invalid-metadata", 4)],
    ),
    "documents/scalar.yaml": ("hello\n", [("invalid-document", 1)]),
    "documents/list.yaml": (
        "- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n",
        [("invalid-document", 1)],
    ),
    "documents/empty.yaml": ("---\n---\n# nothing\n", []),
    "documents/kind-missing.yaml": (
        "apiVersion: v1\nmetadata: {name: a}\n",
        [("invalid-document", 1)],
    ),
    "documents/kind-misspelled.yaml": (
        "apiVersion: networking.istio.io/v1\nkind: VirtualServce\nmetadata: {name: a}\n",
        [("unknown-kind", 2)],
    ),
    "alias-bomb.yaml": (ALIAS_BOMB, [("yaml-limit", None)]),
    "deep-10k.yaml": ("a: " + "[" * 10_000 + "]" * 10_000 + "\n", [("yaml-limit", 1)]),
    "deep-100k.yaml": ("[" * 100_000 + "]" * 100_000 + "\n", [("yaml-limit", 1)]),
    "deep-block.yaml": ("- " * 5_000 + "x\n", [("yaml-limit", 1)]),
    "tags.yaml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata:\n"
        "  a: !!python/object/apply:os.system ['touch /tmp/meshlint-pwned']\n"
        "  b: !Ref SomeBucket\n",
        [("yaml-tag", 5), ("yaml-tag", 6)],
    ),
    "good.json": (GOOD_JSON, []),
    "null-name.json": (
        '{"apiVersion": "v1", "kind": "Service",\n "metadata": {"name": }}\n',
        [("invalid-metadata", 2)],
    ),
    "truncated.json": ('{"apiVersion": "v1",\n "kind": "Service",\n', [("yaml-syntax", 3)]),
    "chart/templates/vs.yaml": (HELM, [("helm-template", 4)]),
    "utf8-bom.yaml": ("\ufeff" + GOOD.replace("reviewz", "reviews").replace("shop}", "bom}"), []),
    "wrong-types.yaml": (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: w}\n"
        "spec:\n  hosts: 5\n  gateways: {a: b}\n  http: [1, null, {route: 7}, {route: [3]}]\n",
        [],
    ),
}

# Binary files: name -> (bytes, [(rule, line)]).
BINARY: dict[str, tuple[bytes, list[tuple[str, int | None]]]] = {
    "latin1.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata: {name: caf\xe9}\n".encode("latin-1"),
        [("decode-error", 3)],
    ),
    "utf16.yaml": (GOOD.encode("utf-16"), [("decode-error", 1)]),
    "utf16-no-bom.yaml": (GOOD.encode("utf-16-le"), [("decode-error", 1)]),
    "binary.yaml": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        [("decode-error", 1)],
    ),
}


def build(root: Path, big: bool = True) -> dict[str, list[tuple[str, int | None]]]:
    """Write the corpus under ``root``; ``big`` adds the 50 MB file."""
    expected: dict[str, list[tuple[str, int | None]]] = {}
    (root / "good").mkdir(parents=True)
    (root / "good" / "shop.yaml").write_text(GOOD)
    for name, (text, findings) in TEXT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        expected[name] = findings
    for name, (data, findings) in BINARY.items():
        (root / name).write_bytes(data)
        expected[name] = findings
    # A directory named like a manifest: walked, and the file inside it is analysed.
    (root / "dir.yaml").mkdir()
    (root / "dir.yaml" / "inner.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata:\n")
    expected["dir.yaml/inner.yaml"] = [("invalid-metadata", 3)]
    # Paths that cannot be read even by root: a FIFO (opening it would block), a dangling
    # symbolic link, a symbolic link to itself, and a directory link back to its parent.
    os.mkfifo(root / "fifo.yaml")
    expected["fifo.yaml"] = [("unreadable-file", None)]
    os.symlink("does-not-exist.yaml", root / "dangling.yaml")
    expected["dangling.yaml"] = [("unreadable-file", None)]
    os.symlink("self-loop.yaml", root / "self-loop.yaml")
    expected["self-loop.yaml"] = [("unreadable-file", None)]
    os.symlink("..", root / "good" / "up")
    if big:
        with open(root / "huge.yaml", "wb") as handle:
            line = b"- key: value-that-pads-the-line-to-sixty-four-bytes-long-ok\n"
            handle.write(line * (50 * 1024 * 1024 // len(line) + 1))
        expected["huge.yaml"] = [("yaml-limit", 1)]
    return expected
