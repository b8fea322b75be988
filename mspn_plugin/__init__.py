"""MSPN (Multi-Stage Pose Network, Li et al. 2019) as an MMPose plug-in.

Importing the package registers its components in MMPose's registries (``custom_imports`` in a config does this)
and installs weights-only checkpoint loading for MMEngine (local files, URLs, ``torchvision://``), with the few safe
classes MMEngine checkpoints need allow-listed. It first checks that mmcv, mmengine, mmdet and mmpose lie in the
tested version ranges (:mod:`mspn_plugin.utils.stack_versions`).
"""
from .utils.stack_versions import check_stack_versions

check_stack_versions()  # before anything imports MMPose: outside the tested versions, stop with one clear line

# imported after the check; the subpackages are imported to register the components
from . import codecs, datasets, engine, models, visualization  # noqa: E402, F401
from .checkpoint import install_checkpoint_loaders  # noqa: E402
from .version import __version__  # noqa: E402

install_checkpoint_loaders()

__all__ = ['__version__']
