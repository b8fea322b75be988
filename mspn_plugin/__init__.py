"""MSPN (Multi-Stage Pose Network, Li et al. 2019) as an MMPose plug-in.

Importing the package registers its components in MMPose's registries (``custom_imports`` in a config
does this) and allow-lists the few safe classes that MMEngine checkpoints need under torch's
weights-only loading.
"""
from . import codecs, datasets, engine, models, visualization  # noqa: F401  (imported to register the components)
from .utils.weights_only import install_weights_only_loading
from .version import __version__

install_weights_only_loading()

__all__ = ['__version__']
