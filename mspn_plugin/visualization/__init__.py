from .pose_visualizer import Numpy2PoseLocalVisualizer, drawing_on_every_rank
from .track_drawing import draw_tracked_poses, track_colour
from .training_curves import RunScalars, plot_training_curves, read_run
from .training_targets import (
    PipelineSample,
    TargetPanel,
    draw_dataset_samples,
    draw_training_sample,
    pipeline_samples,
    target_panels,
)

__all__ = ['Numpy2PoseLocalVisualizer', 'PipelineSample', 'RunScalars', 'TargetPanel', 'draw_dataset_samples',
           'draw_tracked_poses', 'draw_training_sample', 'drawing_on_every_rank', 'pipeline_samples',
           'plot_training_curves', 'read_run', 'target_panels', 'track_colour']
