#!/usr/bin/env python3
"""Runs the Python binding's conformance adapter (splinter/conformance_adapter.py)
from a source checkout:

    splinter-conformance --adapter 'python3 -S bindings/python/conformance_adapter.py'

Installed, the same adapter is `python3 -S -m splinter.conformance_adapter`.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from splinter.conformance_adapter import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
