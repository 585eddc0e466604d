"""What users of numpy, xarray and matplotlib expect of the objects: short reprs, ``DOS.to_xarray``,
``DOS.plot`` and a ``help(bosonpeak.dos)`` that lists every engine's options."""

import inspect
import pydoc

import numpy as np
import pytest

import bosonpeak
from bosonpeak.spectra import spectrum
from bosonpeak.spectra.structure import lattice_wavevectors, structure_factor

#: A repr is one short line whatever the size of the arrays behind it.
MAX_REPR = 260


@pytest.fixture(scope="module")
def ensemble():
    return bosonpeak.ensemble_dos(10, 0.2, np.arange(0, 3.01, 0.1), seeds=3, zero_modes=False, rng=7)


def test_reprs_are_short_and_name_what_matters(ensemble):
    net = bosonpeak.network(60, 0.2, rule="cutoff", rng=1)
    packing = bosonpeak.jammed_packing(40, rng=3)
    g = bosonpeak.dos(net, np.arange(0, 3.61, 0.05), method="slicing")
    for obj, must in [
        (net, ["L=60", "N=3600", f"{len(net.bonds)} bonds", "delta=0.2", "rule='cutoff'"]),
        (packing, ["N=40", f"{int(packing.rattler.sum())} rattlers", "phi=0.86"]),
        (g, ["method='slicing'", "N=3600", "72 bins", "zero_modes=1 (removed)", f"integral={1 - 1 / 3600:g}"]),
        (ensemble, ["3 samples", "with error", "zero_modes=1 (removed)"]),
        (bosonpeak.boson_peak(ensemble, c=0.8, omega_min=0.5, omega_max=2.5, rng=0), ["BosonPeak(omega=", "network's Debye level", "3 samples"]),
        (bosonpeak.lowest_modes(net, 10), ["Modes(10 modes of N=3600", "zero modes left out"]),
        (structure_factor(net, lattice_wavevectors(60, [1, 2]), np.arange(0, 3.01, 0.1), method="kpm", resolution=0.05),
         ["method='kpm'", "N=3600", "2 wave vectors", "30 bins"]),
    ]:
        text = repr(obj)
        assert len(text) <= MAX_REPR and "\n" not in text and "array" not in text, text
        for part in must:
            assert part in text, (part, text)


def test_to_xarray_holds_the_same_numbers_with_units(ensemble, tmp_path):
    ds = ensemble.to_xarray()
    np.testing.assert_array_equal(ds.density.values, ensemble.density)
    np.testing.assert_array_equal(ds.samples.values, ensemble.samples)
    np.testing.assert_array_equal(ds.error.values, ensemble.error)
    np.testing.assert_array_equal(ds.omega_bounds.values[:, 0], ensemble.edges[:-1])
    np.testing.assert_array_equal(ds.omega_bounds.values[:, 1], ensemble.edges[1:])
    assert ds.samples.dims == ("seed", "omega") and ds.sizes["seed"] == 3
    # the sum rule read from the Dataset alone: the modes not taken out as zero modes
    widths = ds.omega_bounds[:, 1] - ds.omega_bounds[:, 0]
    expected = 1.0 - ds.attrs["zero_modes"] / ds.attrs["n_modes"]
    assert float((ds.density * widths).sum()) == pytest.approx(expected, abs=1e-12)
    assert ds.attrs["zero_modes_removed"] == 1 and ds.attrs["method"] == "dense"
    for name, var in {**ds.data_vars, **ds.coords}.items():
        assert var.attrs.get("units") and var.attrs.get("long_name"), name
    path = tmp_path / "dos.nc"
    ds.to_netcdf(path)
    import xarray as xr

    with xr.open_dataset(path) as back:
        np.testing.assert_array_equal(back.samples.values, ensemble.samples)
        assert back.density.attrs["units"] == ds.density.attrs["units"]


def test_to_xarray_of_kpm_keeps_resolution_and_scalar_info():
    net = bosonpeak.network(20, 0.2, rng=2)
    g = bosonpeak.dos(net, np.arange(0, 3.61, 0.05), method="kpm", resolution=0.05, vectors=4, rng=3)
    ds = g.to_xarray()
    assert "samples" not in ds and ds.attrs["resolution"] == g.resolution
    assert ds.attrs["info_moments"] == g.info["moments"]
    np.testing.assert_array_equal(ds.reduced_error.values, g.reduced_error)


def test_plot_draws_the_dos_on_the_given_axes(ensemble):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    out = ensemble.plot(ax, reduced=True, samples=True, label="delta = 0.2")
    assert out is ax
    main, *thin = ax.lines
    np.testing.assert_array_equal(main.get_xdata(), ensemble.centres)
    np.testing.assert_array_equal(main.get_ydata(), ensemble.reduced)
    assert len(thin) == 3 and len(ax.collections) == 1  # one thin line per sample, one error band
    assert ax.get_ylabel() == r"$g(\omega)/\omega$" and ax.get_legend() is not None
    plt.close(fig)
    ax = ensemble.plot(error=False)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), ensemble.density)
    assert not ax.collections and ax.get_ylabel() == r"$g(\omega)$"
    plt.close(ax.figure)


def test_help_of_dos_lists_every_engine_and_its_options():
    text = pydoc.render_doc(bosonpeak.dos)
    for name in bosonpeak.methods():
        assert f'method="{name}"' in text, name
        engine = spectrum._ENGINES[name]
        for p in inspect.signature(engine).parameters.values():
            if p.kind is p.KEYWORD_ONLY and p.name not in spectrum._COMMON:
                assert f"``{p.name}``" in text, (name, p.name)


def test_a_new_engine_brings_its_options_into_the_docstring(monkeypatch):
    def fake(H, edges, *, zero_modes, rng=None, progress=False, alpha: float = 0.5, beta=None):
        """A fake engine.

        Parameters
        ----------
        alpha, beta : float
            Mixing weights,
            on two lines.
        """

    monkeypatch.setitem(spectrum._ENGINES, "fake", fake)
    doc = spectrum._engine_options_doc()
    assert '- ``method="fake"``:' in doc
    assert "``alpha`` (float; default ``0.5``): Mixing weights, on two lines." in doc
    assert "``beta`` (float; default ``None``)" in doc
