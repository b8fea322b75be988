"""MMEngine's checkpoint hook, reordered so that a crash at any moment leaves a loadable checkpoint behind."""
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook
from mmpose.registry import HOOKS

from ..utils.files import atomic_open


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """``CheckpointHook`` that writes the new checkpoint before deleting old ones.

    MMEngine's hook removes the oldest checkpoint (``max_keep_ckpts``) *before* saving the new one and rewrites
    ``last_checkpoint`` in place, so a kill at the wrong moment leaves no checkpoint, or an empty
    ``last_checkpoint`` that ``--resume`` cannot follow. Here the new checkpoint is saved first (atomically with
    :class:`SafeRunner`), then ``last_checkpoint`` is replaced atomically, and only then are old files removed.
    Same arguments as ``CheckpointHook``.
    """

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        expired = []
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
            while len(self.keep_ckpt_ids) >= self.max_keep_ckpts:  # (a bounded deque would drop them unseen)
                expired.append(self.keep_ckpt_ids.popleft())
            self.keep_ckpt_ids.append(step)
            # recorded before saving, so that a resumed run knows which files to remove later
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))

        filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(self.out_dir, filename, self.file_client_args, save_optimizer=self.save_optimizer,
                               save_param_scheduler=self.save_param_scheduler, meta=meta, by_epoch=self.by_epoch,
                               backend_args=self.backend_args, **self.args)
        if not is_main_process():
            return
        with atomic_open(osp.join(runner.work_dir, 'last_checkpoint')) as f:
            f.write(self.last_ckpt)
        for old in expired:
            path = self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(old))
            if self.file_backend.isfile(path):
                self.file_backend.remove(path)
            elif self.file_backend.isdir(path):  # DeepSpeed writes a folder per checkpoint
                self.file_backend.rmtree(path)
