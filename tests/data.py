"""Paths of the third-party test data vendored under ``tests/data/`` (see its README).

The files are part of the repository; a missing one fails the tests that need it.
"""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

#: The W3C Web Annotation Data Model test suite (schemas and ``.test`` lists).
W3C_ANNOTATION_TESTS = DATA / "w3c-annotation-tests"

#: The Discourse Network Analyzer 3 sample database.
DNA_SAMPLE = DATA / "dna-sample.dna"
