"""The sandbox: where code from a transcript runs, never in tractor's own process.

:mod:`.runner` starts a fork server inside bubblewrap and hands it one job at a time;
:mod:`.broker` serves that one sandbox to a parallel build's workers. The ``sandbox_*`` modules
run *inside* the isolation layer: they are loaded by path as top-level modules (standard library
only, before the claimed code), which is why they carry a prefix and import nothing from tractor.
The walls each one builds and the threat model are in the README.
"""
