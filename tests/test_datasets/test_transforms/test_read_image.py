import cv2
import numpy as np
import pytest

from mspn_plugin.datasets.transforms import ReadImage
from mspn_plugin.utils.image_io import ImageReadError


def test_files_become_8_bit_bgr_of_the_same_content(tmp_path):
    image = np.random.default_rng(0).integers(0, 256, (6, 8, 3), dtype=np.uint8)
    cv2.imwrite(str(tmp_path / 'deep.png'), image.astype(np.uint16) * 257)
    cv2.imwrite(str(tmp_path / 'gray.png'), image[..., 0])
    results = ReadImage()(dict(img_path=str(tmp_path / 'deep.png')))
    np.testing.assert_array_equal(results['img'], image)
    assert results['img_shape'] == results['ori_shape'] == (6, 8)
    gray = ReadImage()(dict(img_path=str(tmp_path / 'gray.png')))['img']
    assert gray.shape == (6, 8, 3) and (gray == image[..., :1]).all()


def test_a_missing_file_is_named():
    with pytest.raises(ImageReadError, match='nowhere.jpg: file not found'):
        ReadImage()(dict(img_path='nowhere.jpg'))


def test_an_image_in_the_results_is_used_as_is():
    image = np.zeros((4, 5, 3), np.uint8)
    assert ReadImage()(dict(img=image))['img'] is image
