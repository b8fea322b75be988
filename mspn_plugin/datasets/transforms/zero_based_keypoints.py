"""Keypoints annotated in 1-based pixel coordinates (MATLAB's, as MPII's) moved onto the 0-based image grid."""
import numpy as np
from mmcv.transforms import BaseTransform
from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class ZeroBasedKeypoints(BaseTransform):
    """Subtract ``first_pixel`` from the keypoint coordinates, so that they index the image as loaded (from 0).

    MPII's annotations count pixels from 1. MMPose's ``MpiiDataset`` moves the box centre to 0-based pixels but
    loads the joints as they are, so every training target lands one pixel right of and below its joint; the
    authors' MPII loader (``dataset/MPII/mpii.py``) and HRNet's subtract 1 from the joints. For training pipelines
    only: MMPose's PCKh metric (``MpiiPCKAccuracy``) compares predictions + 1 with the annotations as loaded, so the
    test pipeline keeps them 1-based.

    Args:
        first_pixel: the coordinate the annotations give the first pixel (MPII: 1).

    Reads and modifies ``keypoints`` (N, K, 2).
    """

    def __init__(self, first_pixel: float = 1.0) -> None:
        super().__init__()
        self.first_pixel = float(first_pixel)

    def transform(self, results: dict) -> dict:
        results['keypoints'] = (np.asarray(results['keypoints'], dtype=np.float32) - self.first_pixel).astype(
            np.float32)
        return results
