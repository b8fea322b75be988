"""MMEngine's runner with crash-safe checkpoint writes, checkpoints that must fit the model, and the schedule fitted to
the number of processes."""
import copy
import os.path as osp
import re

from mmengine.dist import master_only
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint
from mmpose.registry import RUNNERS

from ..checkpoint import load_fitting_state_dict, state_dict_of
from ..utils.files import atomic_path
from .keypoint_count import check_keypoint_count
from .schedule_scaling import fit_schedule, launcher_world_size

DEFAULT_REVISE_KEYS = ((r'^module\.', ''),)


@RUNNERS.register_module()
class SafeRunner(Runner):
    """A :class:`~mmengine.runner.Runner` whose checkpoints survive a crash and never load partly.

    Checkpoints are written to a temporary file in the same folder, flushed to disk and renamed over the target,
    so a process killed during a save leaves the previous file intact (``last_checkpoint`` is only updated by the
    checkpoint hook once the save returns). Loading (``load_from``, ``--resume``) refuses, with an error naming the
    file and the keys, a checkpoint whose weights do not fit the model exactly, instead of MMEngine's default of
    loading what fits and leaving the rest random (partial loading belongs in a ``Pretrained`` ``init_cfg``).
    Checkpoints are read weights-only, from a path or a URL (see :mod:`mspn_plugin.checkpoint.loading`).
    Built from a config, it first checks that the head predicts as many keypoints as the datasets define
    (:func:`~mspn_plugin.engine.keypoint_count.check_keypoint_count`), keeps the config text it logs and saves
    unformatted, then fits the config's schedule to the number of processes and their batch
    (:func:`~mspn_plugin.engine.schedule_scaling.fit_schedule`), so the saved config shows what ran. Every run gets
    its own visualizer, and so its own ``vis_data``.
    """

    @classmethod
    def from_cfg(cls, cfg) -> 'SafeRunner':
        """:meth:`Runner.from_cfg` on a copy of ``cfg`` whose schedule is fitted to the run's processes."""
        cfg = copy.deepcopy(cfg)
        # The runner logs the config's text and puts it in every checkpoint; formatting it with yapf takes seconds
        # each time (a third of a short training's CPU time). Left unformatted: the same config. (Config.fromfile
        # ignores its format_python_code argument for configs without lazy imports, hence the attribute.)
        object.__setattr__(cfg, '_format_python_code', False)
        check_keypoint_count(cfg)
        note = fit_schedule(cfg, launcher_world_size(cfg.get('launcher', 'none')))
        runner = super().from_cfg(cfg)
        if note:
            runner.logger.info(note)
        return runner

    def build_visualizer(self, visualizer=None):
        """MMEngine's visualizer, named after this run's log folder: MMPose's runtime names it ``'visualizer'``, and
        MMEngine hands a second run in the same process (a notebook, tools called in-process) the first run's
        instance, which would write this run's ``vis_data/scalars.json`` into the first run's work directory. (The
        experiment name would not do: two runs started in the same second share it.)"""
        if isinstance(visualizer, dict):
            visualizer = dict(visualizer, name=f'visualizer:{self._log_dir}')
        return super().build_visualizer(visualizer)

    @master_only
    def save_checkpoint(self, out_dir: str, filename: str, *args, **kwargs) -> None:
        """Save as MMEngine does, atomically for local folders."""
        if '://' in out_dir:  # remote storage: the backend decides
            super().save_checkpoint(out_dir, filename, *args, **kwargs)
            return
        with atomic_path(osp.join(out_dir, filename)) as tmp:
            super().save_checkpoint(out_dir, osp.basename(tmp), *args, **kwargs)

    def load_checkpoint(self, filename: str, map_location: str = 'cpu', strict: bool = False,
                        revise_keys: list = DEFAULT_REVISE_KEYS) -> dict:
        """Load as MMEngine does, but raise :class:`~mspn_plugin.checkpoint.CheckpointMismatchError` if any weight
        is missing, extra or of another shape, whatever ``strict`` says."""
        checkpoint = _load_checkpoint(filename, map_location=map_location)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        state_dict = state_dict_of(checkpoint)
        for pattern, replacement in revise_keys:
            for key in [k for k in state_dict if re.search(pattern, k)]:
                state_dict[re.sub(pattern, replacement, key)] = state_dict.pop(key)
        load_fitting_state_dict(self.model.module if is_model_wrapper(self.model) else self.model, state_dict,
                                filename)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint
