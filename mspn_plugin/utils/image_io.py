"""Reading images for training, testing and inference alike: always 8-bit BGR, or an error naming the file."""
import os.path as osp

import cv2
import numpy as np

from .errors import InputError


class ImageReadError(InputError, RuntimeError):
    """An input image is missing, empty or cannot be decoded."""


def read_image(path: str) -> np.ndarray:
    """Read an image as 8-bit BGR, H x W x 3, or raise :class:`ImageReadError` naming the file and the reason.

    Grayscale files are replicated to three channels, an alpha channel is dropped (the colour values are kept
    as stored) and 16-bit files are scaled to 8 bits (the high byte).
    """
    if not osp.isfile(path):
        raise ImageReadError(f'{path}: file not found')
    data = np.fromfile(path, dtype=np.uint8)
    if data.size == 0:
        raise ImageReadError(f'{path}: empty file')
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if image is None:
        raise ImageReadError(f'{path}: cannot be decoded as an image (corrupt, truncated or unsupported format)')
    return image
