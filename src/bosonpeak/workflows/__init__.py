"""Whole jobs, each a pure ``compute -> xarray.Dataset``, ``summary`` and ``figures``:
``reproduce`` (the paper), ``analyze`` (beyond it), ``glass``, ``dos`` and ``sweep`` (on Dask,
with its ``store``, ``spec`` and ``cluster``). The CLI parses arguments and calls these.

Importing this package imports nothing heavy; import the workflow module you need.
"""
