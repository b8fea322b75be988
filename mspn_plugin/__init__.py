"""MSPN (Multi-Stage Pose Network, Li et al. 2019) as an MMPose plug-in.

Importing the package registers its components in MMPose's registries (``custom_imports`` in a config does this)
and installs weights-only checkpoint loading for MMEngine (local files, URLs, ``torchvision://``), with the few safe
classes MMEngine checkpoints need allow-listed.
"""
from . import codecs, datasets, engine, models, visualization  # noqa: F401  (imported to register the components)
from .checkpoint import install_checkpoint_loaders
from .version import __version__

install_checkpoint_loaders()

__all__ = ['__version__']
