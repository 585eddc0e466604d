"""Reading configurations: round trips through ASE's writers and gsd, triclinic boxes, one-line errors."""

import numpy as np
import pytest

ase = pytest.importorskip("ase")
import ase.io  # noqa: E402

from bosonpeak.model.particle_io import read  # noqa: E402
from bosonpeak.model.particles import from_atoms, particles  # noqa: E402
from bosonpeak.model.potentials import pair_terms, potential  # noqa: E402

CELL3 = np.array([[6.0, 0.0, 0.0], [1.2, 5.5, 0.0], [0.4, -0.7, 6.5]])


def _atoms(n=40, seed=0, cell=CELL3):
    rng = np.random.default_rng(seed)
    types = np.where(np.arange(n) < 0.8 * n, 1, 2)
    atoms = ase.Atoms(numbers=types, scaled_positions=rng.random((n, 3)), cell=cell, pbc=True)
    atoms.set_masses(np.where(types == 1, 1.0, 2.5))
    return atoms


def _same_places(p, atoms, dim=3):
    """Positions equal modulo the box."""
    ds = np.linalg.solve(p.cell.T, (p.positions - atoms.positions[:, :dim]).T).T
    np.testing.assert_allclose(ds - np.round(ds), 0.0, atol=1e-7)  # extxyz keeps 8 decimals


def test_lammps_data_round_trip_triclinic(tmp_path):
    atoms = _atoms()
    path = tmp_path / "glass.data"
    ase.io.write(path, atoms, format="lammps-data", masses=True)
    p = read(path)
    assert p.dim == 3 and p.source == str(path)
    np.testing.assert_allclose(p.cell, CELL3, atol=1e-12)
    _same_places(p, atoms)
    assert np.array_equal(p.types, atoms.numbers)
    np.testing.assert_allclose(p.masses, atoms.get_masses(), rtol=1e-8)


def test_extxyz_round_trip_2d_and_unit_masses(tmp_path):
    rng = np.random.default_rng(1)
    cell = [[5.0, 0.0, 0.0], [1.0, 4.0, 0.0], [0.0, 0.0, 1.0]]
    atoms = ase.Atoms(numbers=[6, 6, 29, 6, 29], positions=np.c_[rng.random((5, 2)) * 4, np.zeros(5)], cell=cell, pbc=True)
    path = tmp_path / "flat.extxyz"
    ase.io.write(path, atoms)
    p = read(path)
    assert p.dim == 2 and p.cell.shape == (2, 2)
    assert p.types.tolist() == [1, 1, 2, 1, 2]  # atomic numbers ranked
    assert np.array_equal(p.masses, np.ones(5))  # the file gives none: not carbon's
    _same_places(p, atoms, dim=2)
    assert read(path, dim=3).dim == 3


def test_gsd_round_trip(tmp_path):
    gsd_hoomd = pytest.importorskip("gsd.hoomd")
    rng = np.random.default_rng(2)
    n, (lx, ly, lz, xy, xz, yz) = 30, (6.0, 7.0, 8.0, 0.2, -0.1, 0.3)
    frame = gsd_hoomd.Frame()
    frame.particles.N = n
    frame.particles.types = ["A", "B"]
    frame.particles.typeid = (np.arange(n) % 2).astype(np.uint32)
    frame.particles.mass = np.where(np.arange(n) % 2, 2.0, 1.0).astype(np.float32)
    frame.particles.diameter = np.where(np.arange(n) % 2, 1.4, 1.0).astype(np.float32)
    cell = np.array([[lx, 0, 0], [xy * ly, ly, 0], [xz * lz, yz * lz, lz]])
    frame.particles.position = (rng.random((n, 3)) @ cell - 0.5 * cell.sum(axis=0)).astype(np.float32)
    frame.configuration.box = [lx, ly, lz, xy, xz, yz]
    path = tmp_path / "traj.gsd"
    with gsd_hoomd.open(str(path), "w") as f:
        f.append(frame)
    p = read(path)
    np.testing.assert_allclose(p.cell, cell, rtol=1e-7)
    assert p.types.tolist() == (np.arange(n) % 2 + 1).tolist()
    np.testing.assert_allclose(p.masses, frame.particles.mass)
    np.testing.assert_allclose(p.diameters, frame.particles.diameter)
    np.testing.assert_allclose(p.positions, frame.particles.position.astype(float))


def test_from_atoms_keeps_lammps_types_and_diameters():
    atoms = _atoms(10)
    atoms.new_array("type", np.array([3, 1, 2, 1, 1, 1, 1, 1, 2, 2]))
    atoms.new_array("radius", np.full(10, 0.5))
    p = from_atoms(atoms)
    assert p.types[:3].tolist() == [3, 1, 2] and np.allclose(p.diameters, 1.0)


def test_errors_name_the_file_in_one_line(tmp_path):
    bad = tmp_path / "garbage.data"
    bad.write_text("this is not a LAMMPS data file\n12 atoms\nnonsense\n")
    for path, needle in ((tmp_path / "missing.xyz", "no such file"), (bad, "cannot read")):
        with pytest.raises(ValueError, match=needle) as info:
            read(path)
        assert str(path) in str(info.value) and "\n" not in str(info.value)
    # overlapping and non-finite coordinates
    atoms = _atoms(6)
    atoms.positions[4] = atoms.positions[1] + 1e-9
    ase.io.write(tmp_path / "overlap.extxyz", atoms)
    with pytest.raises(ValueError, match=r"overlap.extxyz: overlapping particles 1 and 4"):
        read(tmp_path / "overlap.extxyz")
    atoms.positions[2, 0] = np.nan
    ase.io.write(tmp_path / "nan.extxyz", atoms)
    with pytest.raises(ValueError, match=r"nan.extxyz: non-finite coordinates .* particle 2"):
        read(tmp_path / "nan.extxyz")


def test_box_too_small_and_missing_diameters(tmp_path):
    atoms = _atoms(20, cell=np.diag([4.0, 6.0, 6.0]))
    ase.io.write(tmp_path / "small.extxyz", atoms)
    p = read(tmp_path / "small.extxyz")
    with pytest.raises(ValueError, match=r"small.extxyz: box too small for the cut-off 2.5 .* vector 1 is 4"):
        pair_terms(p, potential("kob-andersen"))
    with pytest.raises(ValueError, match=r"small.extxyz: potential 'harmonic' needs diameters"):
        pair_terms(p, potential("harmonic"))
    with pytest.raises(ValueError, match=r"'potential' must be one of"):
        potential("morse")
    with pytest.raises(ValueError, match=r"has .eps. for types 1..2; got type 3"):
        pair_terms(particles(atoms.positions, atoms.cell.array * 2, types=[3] + [1] * 19), potential("kob-andersen"))


def test_lammps_text_dump_last_frame_sorted_by_id(tmp_path):
    frame = ("ITEM: TIMESTEP\n{step}\nITEM: NUMBER OF ATOMS\n3\nITEM: BOX BOUNDS pp pp pp\n0 6\n0 7\n0 8\n"
             "ITEM: ATOMS id type x y z\n1 1 0.5 0.5 0.5\n3 2 3.0 1.0 2.0\n2 1 4.0 5.0 {z}\n")
    path = tmp_path / "run.lammpstrj"
    path.write_text(frame.format(step=0, z=6.0) + frame.format(step=100, z=6.5))
    p = read(path)
    assert p.types.tolist() == [1, 1, 2] and p.positions[1].tolist() == [4.0, 5.0, 6.5]
    np.testing.assert_array_equal(p.cell, np.diag([6.0, 7.0, 8.0]))
