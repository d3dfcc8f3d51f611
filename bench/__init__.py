"""Benchmarks: `make bench`. Every figure is a ratio to a reference measured in the same run, on a
fresh PostgreSQL database; never part of the test suite."""
