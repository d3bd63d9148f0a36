"""Istio's syntax as its validating webhook and proxies read it: durations, host names
and regexes."""
