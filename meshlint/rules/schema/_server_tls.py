"""Server-side TLS settings as Istio's webhook checks them (``validateTLSOptions``), shared by
the rules that read a Gateway server's or a Sidecar ingress listener's ``tls``.

Only errors are reported; the webhook's warnings (certificates that PASSTHROUGH ignores,
unknown or duplicate cipher suites, TLS 1.0/1.1 without ciphers) are not rejections. The
certificate-source combinations that the CRD's CEL rules already refuse (``credentialName``
with ``credentialNames``, ``credentialNames`` with ``tlsCertificates``) are left to them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

__all__ = ["TERMINATING", "tls_mode", "tls_options_problems"]

TERMINATING = ("SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL")
_FILES = ("serverCertificate", "privateKey", "caCertificates")


def tls_mode(tls: Mapping) -> str:
    """The mode, PASSTHROUGH (the API's zero value) when unset."""
    mode = tls.get("mode")
    return mode if isinstance(mode, str) and mode else "PASSTHROUGH"


def _text(tls: Mapping, key: str) -> str:
    value = tls.get(key)
    return value if isinstance(value, str) else ""


def _items(tls: Mapping, key: str) -> list:
    value = tls.get(key)
    return value if isinstance(value, list) else []


def tls_options_problems(tls: Mapping) -> Iterator[tuple[tuple[object, ...], str]]:
    """``(path inside tls, message)`` for each error ``validateTLSOptions`` reports."""
    mode = tls_mode(tls)
    if mode == "ISTIO_MUTUAL":
        for key in (*_FILES, "tlsCertificates", "credentialName", "credentialNames"):
            if _text(tls, key) or _items(tls, key):
                yield (
                    (key,),
                    f"ISTIO_MUTUAL uses the workload's Istio certificate and cannot have "
                    f"{key}; remove it, or use mode SIMPLE or MUTUAL to serve your own",
                )
        return
    sources = []
    if _text(tls, "serverCertificate") and _text(tls, "privateKey"):
        sources.append("serverCertificate")
    sources += [
        key
        for key in ("credentialName", "credentialNames", "tlsCertificates")
        if _text(tls, key) or _items(tls, key)
    ]
    if len(sources) > 1 and (
        "serverCertificate" in sources or {"credentialName", "tlsCertificates"} <= set(sources)
    ):
        yield (
            (sources[-1],),
            f"only one certificate source may be set, found {', '.join(sources)}; keep "
            "credentialName, credentialNames, serverCertificate/privateKey or tlsCertificates",
        )
    credential = bool(_text(tls, "credentialName") or _items(tls, "credentialNames"))
    if mode in TERMINATING and credential:
        return  # the certificates come from the Secret
    if mode in TERMINATING:
        name = "SIMPLE" if mode == "SIMPLE" else "MUTUAL"
        ca = _text(tls, "caCertificates") or _text(tls, "caCertCredentialName")
        if name == "MUTUAL" and not ca:
            yield (
                ("mode",),
                f"{mode} TLS without credentialName requires caCertificates, the CA "
                "bundle that verifies client certificates",
            )
        certificates = [c for c in _items(tls, "tlsCertificates") if isinstance(c, Mapping)]
        for index, certificate in enumerate(certificates or [tls]):
            where = ("tlsCertificates", index) if certificates else ("mode",)
            for key in ("serverCertificate", "privateKey"):
                if not _text(certificate, key):
                    yield (
                        where,
                        f"{name} TLS without credentialName requires {key}; set "
                        "credentialName to a Secret or give the certificate and key files",
                    )
    if _text(tls, "caCrl"):
        if _text(tls, "credentialName"):
            yield (
                ("caCrl",),
                "caCrl is not supported with credentialName: put the CRL in the Secret (ca.crl)",
            )
        if mode == "SIMPLE":
            yield (("caCrl",), "caCrl is not supported with SIMPLE TLS (no client certificates)")
