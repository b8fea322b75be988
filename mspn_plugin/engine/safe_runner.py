"""MMEngine's runner with crash-safe checkpoint writes and checkpoints that must fit the model."""
import os.path as osp
import re

from mmengine.dist import master_only
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmpose.registry import RUNNERS

from ..utils.checkpoint_check import load_fitting_state_dict
from ..utils.files import atomic_path

DEFAULT_REVISE_KEYS = ((r'^module\.', ''),)


@RUNNERS.register_module()
class SafeRunner(Runner):
    """A :class:`~mmengine.runner.Runner` whose checkpoints survive a crash and never load partly.

    Checkpoints are written to a temporary file in the same folder, flushed to disk and renamed over the target,
    so a process killed during a save leaves the previous file intact (``last_checkpoint`` is only updated by
    MMEngine's ``CheckpointHook`` once the save returns). Loading (``load_from``, ``--resume``) refuses, with an
    error naming the file and the keys, a checkpoint whose weights do not fit the model exactly, instead of
    MMEngine's default of loading what fits and leaving the rest random. Checkpoints are read weights-only (see
    :mod:`mspn_plugin.utils.weights_only`).
    """

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
        """Load as MMEngine does, then raise :class:`CheckpointMismatchError` if any weight was missing, extra or of
        another shape, whatever ``strict`` says (partial loading belongs in a ``Pretrained`` ``init_cfg``)."""
        checkpoint = super().load_checkpoint(filename, map_location, strict, revise_keys)
        state_dict = checkpoint.get('state_dict', checkpoint)
        for pattern, replacement in revise_keys:
            state_dict = {re.sub(pattern, replacement, key): value for key, value in state_dict.items()}
        load_fitting_state_dict(self.model.module if is_model_wrapper(self.model) else self.model, state_dict, filename)
        return checkpoint
