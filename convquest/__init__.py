"""ConvQuest: a terminal game that teaches convolution and CNN arithmetic."""

__version__ = "0.1.0"
