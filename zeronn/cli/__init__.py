"""The ``zeronn`` command line tool (``zeronn demo``, ``train``, ``evaluate``, ``predict``, ``summary``, ``plot``).

Run ``zeronn --help``, or call ``zeronn.cli.main(["demo"])`` from Python.
"""

from zeronn.cli.main import main

__all__ = ["main"]
