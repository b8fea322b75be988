"""Keep COCO's three-valued keypoint visibility through the pipeline."""
import numpy as np
from mmcv.transforms import BaseTransform
from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class KeepVisibilityFlags(BaseTransform):
    """Put COCO's raw visibility flags (0 unlabelled, 1 labelled but occluded, 2 visible) back into
    ``keypoints_visible``, which MMPose's dataset loader clips to 0/1.

    The authors' loss (``MSPNMultiScaleLoss(mask_policy='visible')``) needs to tell visible from occluded
    joints. Place it right after ``LoadImage``, before any transform that reorders keypoints (flip); MMPose's
    flip and affine transforms carry the values along unchanged. Top-down data only (one instance).

    Reads ``raw_ann_info`` (its ``keypoints`` list) and ``keypoints_visible`` (1, K); modifies
    ``keypoints_visible`` (1, K) float32 with values in {0, 1, 2}.
    """

    def transform(self, results: dict) -> dict:
        raw = results.get('raw_ann_info')
        if not isinstance(raw, dict) or 'keypoints' not in raw:
            raise KeyError(f'{type(self).__name__} needs the top-down raw annotation (raw_ann_info with '
                           f'"keypoints") of {results.get("img_path", "this sample")}')
        flags = np.asarray(raw['keypoints'], dtype=np.float32).reshape(-1, 3)[:, 2]
        expected = results['keypoints_visible'].shape[-1]
        if flags.size != expected:
            raise ValueError(f'{results.get("img_path")}: raw annotation has {flags.size} keypoints, '
                             f'the dataset {expected}')
        results['keypoints_visible'] = np.clip(flags, 0, 2)[None]
        return results


@TRANSFORMS.register_module()
class LabelledAsVisible(BaseTransform):
    """Flag every labelled joint as visible (2), as the authors' MPII loader does (``joints_vis * 2``).

    MPII marks joints only as labelled or not. With every labelled joint visible, the authors' loss
    (``MSPNMultiScaleLoss(mask_policy='visible')``) averages its L2 over all K joints with zero targets for the
    unlabelled ones, as their MPII training did; MMPose's policy (``'labelled'``) leaves those out of the loss.

    Reads and modifies ``keypoints_visible`` (1, K): values > 0.5 become 2, the others 0.
    """

    def transform(self, results: dict) -> dict:
        results['keypoints_visible'] = np.where(np.asarray(results['keypoints_visible']) > 0.5, 2.0, 0.0).astype(
            np.float32)
        return results
