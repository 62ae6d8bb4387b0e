"""One interface for the streaming trajectory analyses: :class:`FrameAccumulator`.

The life cycle follows MDAnalysis ``analysis/base.py`` (``_prepare`` → ``_single_frame``
→ ``_conclude``), cut down to what the streaming accumulators of seiflow need:

1. construction: the subclass checks and stores its parameters, then calls
   ``super().__init__()``, which sets :attr:`FrameAccumulator.n_frames` to 0 and calls
   :meth:`FrameAccumulator._prepare` to allocate the state known before the first frame
   (histograms of a fixed size, counters);
2. :meth:`FrameAccumulator.update` once per frame, in trajectory order: it calls
   :meth:`FrameAccumulator._single_frame` and, when that returned without an error,
   adds 1 to ``n_frames``.  State that depends on the first frame (e.g. a number of
   bins from its cell height) is set up lazily by ``_single_frame``;
3. :meth:`FrameAccumulator.result`: refuses an accumulator without a frame and
   otherwise returns :meth:`FrameAccumulator._conclude`, the results computed from the
   accumulated state (the accumulator stays usable: more frames may follow).

:meth:`FrameAccumulator.run` drives an iterable of frames through ``update``.  Nothing
here keeps a frame, so memory is that of the accumulated state, independent of the
trajectory length.

Subclasses: :class:`seiflow.analysis.profiles.ZProfileAccumulator`,
:class:`seiflow.analysis.coordination.PartialRDFAccumulator`,
:class:`seiflow.analysis.flux.MembraneFluxAccumulator`,
:class:`seiflow.analysis.sei_structure.StructureAnalysis`.
"""

from __future__ import annotations

__all__ = ["FrameAccumulator"]

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any

from ase import Atoms


class FrameAccumulator(ABC):
    """Abstract base of a streaming, one-pass analysis of trajectory frames.

    A *frame* is one MD snapshot as an :class:`ase.Atoms`: positions and cell in Å
    (cell vectors as the rows of ``atoms.cell``, shape (3, 3)), the box origin (LAMMPS
    ``xlo, ylo, zlo``) in ``atoms.get_celldisp()``, atomic numbers ``atoms.numbers``
    (shape (n_atoms,)) and optional per-atom arrays in ``atoms.arrays`` (e.g. ``id``,
    ``c_pe`` in eV), as :func:`ase.io.read` returns a LAMMPS dump frame.  What a frame
    does not carry (its time in ps, atom masks of shape (n_atoms,), a region volume in
    Å^3) is passed as further arguments of :meth:`update`; each subclass documents
    them in its ``_single_frame``.

    Subclasses implement :meth:`_single_frame` and :meth:`_conclude` and may override
    :meth:`_prepare`; they call ``super().__init__()`` at the end of their own
    ``__init__`` (after storing their parameters).

    Attributes
    ----------
    n_frames : int
        Number of frames accumulated so far (successful :meth:`update` calls).
    """

    #: Message of the ValueError raised by :meth:`result` before the first frame.
    _no_frame_message = "no frame added; call update() first"

    def __init__(self) -> None:
        self.n_frames = 0
        self._prepare()

    # ---------------------------------------------------------------- life cycle hooks
    def _prepare(self) -> None:
        """Allocate the accumulated state from the parameters (before the first frame).

        Called once by ``FrameAccumulator.__init__``; the default allocates nothing.
        """

    @abstractmethod
    def _single_frame(self, frame: Atoms, *args: Any, **kwargs: Any) -> None:
        """Add one frame to the accumulated state (arguments as :meth:`update`).

        Must raise before changing any state where it can (invalid input), so that a
        refused frame is not half counted.
        """

    @abstractmethod
    def _conclude(self) -> Any:
        """Results from the accumulated state (called by :meth:`result`, n_frames >= 1)."""

    # ---------------------------------------------------------------- public API
    def update(self, frame: Atoms, *args: Any, **kwargs: Any) -> None:
        """Add the next frame (one call per frame, in trajectory order).

        Parameters
        ----------
        frame
            The frame (see the class docstring).
        *args, **kwargs
            Per-frame inputs of the subclass (see its ``_single_frame``), e.g.
            ``time_ps`` or an atom mask of shape (n_atoms,).

        Raises
        ------
        ValueError
            As the subclass's ``_single_frame`` for an invalid frame or input;
            ``n_frames`` is then not incremented.
        """
        self._single_frame(frame, *args, **kwargs)
        self.n_frames += 1

    def result(self) -> Any:
        """Results of the frames accumulated so far (see the subclass's ``_conclude``).

        Raises
        ------
        ValueError
            If no frame has been added.
        """
        if self.n_frames == 0:
            raise ValueError(self._no_frame_message)
        return self._conclude()

    def run(self, frames: Iterable[Atoms | tuple]) -> FrameAccumulator:
        """Stream ``frames`` through :meth:`update`, one item at a time.

        The iterable (e.g. a generator reading a dump) is consumed lazily and no item is
        kept, so memory does not grow with the number of frames.

        Parameters
        ----------
        frames
            Items in trajectory order: an :class:`ase.Atoms` (``update(atoms)``) or a
            tuple of the positional arguments of :meth:`update`, e.g.
            ``(atoms, time_ps)`` (``update(atoms, time_ps)``).

        Returns
        -------
        FrameAccumulator
            ``self`` (read the results with :meth:`result`).

        Raises
        ------
        ValueError
            As :meth:`update`; the frames before the failing one stay accumulated.
        """
        for item in frames:
            if isinstance(item, tuple):
                self.update(*item)
            else:
                self.update(item)
        return self
