import cv2
import numpy as np
import pytest

from mspn_plugin.utils.image_io import ImageReadError, read_image


def test_read_image_reports_missing_empty_and_corrupt_files(tmp_path):
    with pytest.raises(ImageReadError, match='missing.jpg: file not found'):
        read_image(str(tmp_path / 'missing.jpg'))
    (tmp_path / 'empty.jpg').write_bytes(b'')
    with pytest.raises(ImageReadError, match='empty.jpg: empty file'):
        read_image(str(tmp_path / 'empty.jpg'))
    (tmp_path / 'bad.jpg').write_bytes(b'not an image at all')
    with pytest.raises(ImageReadError, match='bad.jpg: cannot be decoded'):
        read_image(str(tmp_path / 'bad.jpg'))
    gray = np.arange(64, dtype=np.uint16).reshape(8, 8) * 1000
    cv2.imwrite(str(tmp_path / 'gray16.png'), gray)
    image = read_image(str(tmp_path / 'gray16.png'))
    assert image.shape == (8, 8, 3) and image.dtype == np.uint8
