"""Image loading for the training and test pipelines through the same reader as inference."""
import numpy as np
from mmpose.datasets.transforms import LoadImage
from mmpose.registry import TRANSFORMS

from ...utils.image_io import read_image


@TRANSFORMS.register_module()
class ReadImage(LoadImage):
    """MMPose's ``LoadImage`` with files read by :func:`~mspn_plugin.utils.image_io.read_image`.

    The image is 8-bit BGR whatever the file holds (grayscale, alpha, 16 bits), and a missing, empty or corrupt
    file raises :class:`~mspn_plugin.utils.image_io.ImageReadError` naming it (a clear error, which the tools
    report in one line) rather than an assertion from inside mmcv. An ``img`` already in the results (inference
    on arrays) is used as MMPose's ``LoadImage`` does.

    Required keys: img_path, or img. Added keys: img, img_shape, ori_shape.
    """

    def transform(self, results: dict) -> dict:
        if 'img' in results:
            return super().transform(results)
        image = read_image(results['img_path'])
        results['img'] = image.astype(np.float32) if self.to_float32 else image
        results['img_shape'] = results['ori_shape'] = image.shape[:2]
        return results
