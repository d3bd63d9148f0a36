"""Repairs: the fixes findings carry, applied to the files they name without touching
anything but the fixed nodes (``edits``), proved by a second parser (``verify``), and
applied or shown as a diff (``apply``)."""

from meshlint.fix.apply import FileFix, fix_files, fixable, unified_diff, write_file

__all__ = ["FileFix", "fix_files", "fixable", "unified_diff", "write_file"]
