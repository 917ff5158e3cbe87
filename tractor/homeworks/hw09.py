"""HW9 (attention and transformers) plug-in: its reference implementations.

The parts, reference answers and phrasings are data in ``data/homeworks/hw09/key.toml``."""

from . import Homework, register


@register
class HW09(Homework):
    name = "hw09"
