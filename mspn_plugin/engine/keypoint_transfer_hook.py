"""Fine-tuning to another keypoint set by configuration: a hook that starts training from a checkpoint of another K."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpose.registry import HOOKS

from ..checkpoint import fine_tune_from


@HOOKS.register_module()
class KeypointTransferHook(Hook):
    """Before the first iteration, load ``checkpoint`` (path or URL) with
    :func:`~mspn_plugin.checkpoint.fine_tune_from`: every weight that fits, the per-keypoint layers re-initialised
    (rows of keypoints with the same name carried over when ``by_name``), and the summary line logged.

    ``load_from`` cannot do this: the runner refuses a checkpoint that does not fit exactly. A resumed run (or one
    given ``load_from``) already has its weights, so then the hook only says that it did nothing.

    Args:
        checkpoint: the checkpoint trained on the other keypoint set (e.g. COCO).
        by_name: carry over the predictor rows of keypoints named in both datasets' metainfo. Defaults to True.
    """

    priority = 'VERY_HIGH'

    def __init__(self, checkpoint: str, by_name: bool = True) -> None:
        self.checkpoint = checkpoint
        self.by_name = by_name

    def before_train(self, runner) -> None:
        """Transfer the weights unless a checkpoint was already loaded or resumed."""
        if runner._has_loaded:
            runner.logger.info(f'{type(self).__name__}: weights come from {runner._load_from or "the resumed run"}; '
                               f'{self.checkpoint} not transferred')
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        runner.logger.info(fine_tune_from(model, self.checkpoint, runner.train_dataloader.dataset.metainfo,
                                          self.by_name))
