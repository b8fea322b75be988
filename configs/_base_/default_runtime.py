# Runtime of every config here: MMPose's runtime, this package's components, crash-safe checkpoints.
_base_ = ['mmpose::_base_/default_runtime.py']
custom_imports = dict(imports=['mspn_plugin'], allow_failed_imports=False)

# atomic checkpoint writes; a checkpoint that does not fit the model is refused, never loaded partly
runner_type = 'SafeRunner'
# MMPose's PoseLocalVisualizer fails under numpy 2 when drawing keypoints; this subclass fixes only that
visualizer = dict(type='Numpy2PoseLocalVisualizer')
default_hooks = dict(
    # saves before it deletes old checkpoints, and replaces last_checkpoint atomically
    checkpoint=dict(type='SafeCheckpointHook', by_epoch=False, interval=2400, max_keep_ckpts=3,
                    # the best by the evaluator's first metric: '<prefix>/AP' for COCO-style evaluators (COCO,
                    # CrowdPose, AP-10K, ...), whatever the dataset's prefix; set a key where another comes first
                    save_best='auto', rule='greater'),
    # validation metrics logged at the iteration they were measured at (MMEngine's default logs them at the epoch,
    # always 0 in these iteration-based runs, and every validation point of the curves would sit at 0)
    logger=dict(interval=50, log_metric_by_epoch=False))
log_processor = dict(by_epoch=False)
