"""Plotting functions: they take data and an optional Axes, draw, and return the Axes.
Nothing here computes physics. ``paper`` draws the paper's figures, ``analysis`` the
analysis beyond it."""
