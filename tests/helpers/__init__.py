"""Helpers of the test suite (importable as ``helpers`` because tests/conftest.py puts tests/ on the path)."""
