"""The one place that chooses which OpenMMLab library's registries a ``type=`` is looked up in.

MMEngine resolves a config's ``type`` names in the *current default scope*. A detector built by MMDetection leaves
``'mmdet'`` current, which hides MMPose's (and this package's) components from a later build; a runner makes its
config's scope current for good. Every call site goes through :func:`registry_scope` (for one block) or
:func:`enter_config_scope` (for good), never through ``DefaultScope`` directly.
"""
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from mmengine.config import Config
from mmengine.registry import DefaultScope, init_default_scope

DEFAULT_SCOPE = 'mmpose'


@cache
def _register_library(scope: str) -> None:
    # mmpose.utils and mmdet.utils both offer register_all_modules; importing their registries is enough once
    importlib.import_module(f'{scope}.utils').register_all_modules(init_default_scope=False)


@contextmanager
def registry_scope(scope: str = DEFAULT_SCOPE) -> Iterator[None]:
    """Within the block, ``type=`` names resolve in ``scope``'s registries (``'mmpose'`` or ``'mmdet'``, whose
    modules are registered first); the scope current before is current again afterwards."""
    _register_library(scope)
    with DefaultScope.overwrite_default_scope(scope):
        yield


def config_scope(cfg: Config | dict) -> str:
    """The registry scope a config's components are named in: its ``default_scope``, MMPose's by default."""
    return cfg.get('default_scope', DEFAULT_SCOPE)


def enter_config_scope(cfg: Config | dict) -> None:
    """Make the config's scope current from now on (what a runner does as it starts; builds made before the runner
    need it too, after a detector left its own scope current)."""
    init_default_scope(config_scope(cfg))
