"""What top-down inference reads: an image, a folder of images, an image-list file, a video or a live source
(:mod:`.live_input`), shared among the ranks of a torch.distributed group (:func:`shard`); and the video files it
writes."""
import os.path as osp
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..utils.background import read_ahead
from ..utils.errors import InputError
from ..utils.image_io import ImageReadError, read_image
from .live_input import LiveSource, is_live, live_name

IMAGE_EXTENSIONS = {'.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp'}
VIDEO_EXTENSIONS = {'.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v'}
IMAGE_LIST_EXTENSIONS = {'.txt'}
# the frame rate assumed for the frames of a folder or an image list (the time base of smoothing)
FOLDER_FPS = 25.0


def is_video(path: str) -> bool:
    return osp.splitext(path)[1].lower() in VIDEO_EXTENSIONS


def is_image_list(path: str) -> bool:
    return osp.isfile(path) and osp.splitext(path)[1].lower() in IMAGE_LIST_EXTENSIONS


def read_image_list(path: str) -> list[Path]:
    """The images an image-list file names, one path a line, in its order (relative paths from the list's folder;
    blank lines and lines starting with ``#`` ignored). Raises :class:`InputError` naming the file when it cannot be
    read or names two images with the same file name (predictions and drawings are keyed by file name)."""
    try:
        lines = Path(path).read_text().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f'{path}: cannot be read as an image list (one path a line): {error}') from error
    files = [Path(path).parent / line.strip() for line in lines if line.strip() and not line.lstrip().startswith('#')]
    repeated = [name for name, count in Counter(f.name for f in files).items() if count > 1]
    if repeated:
        raise InputError(f'{path}: {len(repeated)} file name(s) listed more than once, e.g. {repeated[0]} '
                         '(predictions and drawings are keyed by file name)')
    return files


def list_images(path: str) -> list[Path]:
    """An image file, a folder's image files in name order, or the images of an image-list file (``.txt``).
    Raises :class:`InputError` naming ``path`` when that gives no image."""
    if is_image_list(path):
        files = read_image_list(path)
    elif osp.isfile(path):
        files = [Path(path)]
    else:
        files = sorted(p for p in Path(path).iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS)
    if not files:
        raise InputError(f'{path}: no images (expected {", ".join(sorted(IMAGE_EXTENSIONS))} files, or paths in a '
                         '.txt list)')
    return files


def iter_images(files: list[Path]) -> Iterator[tuple[str, np.ndarray | ImageReadError]]:
    """(file name, image or the error that prevented reading it)."""
    for file in files:
        try:
            yield file.name, read_image(str(file))
        except ImageReadError as error:
            yield file.name, error


def open_video(path: str) -> tuple[cv2.VideoCapture, int, float]:
    """A capture of the video at ``path``, its frame count (as the container says) and frame rate."""
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise ImageReadError(f'{path}: cannot be opened as a video')
    return capture, int(capture.get(cv2.CAP_PROP_FRAME_COUNT)), capture.get(cv2.CAP_PROP_FPS) or 25.0


def iter_video(path: str, start: int = 0, stop: int | None = None) -> Iterator[tuple[str, np.ndarray]]:
    """(frame name, frame) of the frames ``start`` to ``stop - 1`` of a video (``stop`` None: to its end), decoded
    in order from the first frame (frame-exact, whatever the codec's seeking)."""
    capture, _, _ = open_video(path)
    stem, index = Path(path).stem, 0
    try:
        while index < start and capture.grab():
            index += 1
        while stop is None or index < stop:
            ok, frame = capture.read()
            if not ok:
                break
            yield f'{stem}_{index:06d}', frame
            index += 1
    finally:
        capture.release()


def shard(total: int, rank: int, world_size: int) -> range:
    """Rank ``rank``'s contiguous share of ``total`` items among ``world_size`` ranks; the first
    ``total % world_size`` ranks take one item more. The shares, in rank order, are ``range(total)``."""
    base, extra = divmod(total, world_size)
    start = rank * base + min(rank, extra)
    return range(start, start + base + (rank < extra))


class VideoSink:
    """Frames written to one video file (opened at the first frame, whose size it takes)."""

    def __init__(self, path: Path, fps: float, codec: str = 'mp4v') -> None:
        self.path, self.fps, self.codec = path, fps, codec
        self.writer = None

    def write(self, frame: np.ndarray) -> None:
        if self.writer is None:
            self.writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*self.codec), self.fps,
                                          frame.shape[1::-1])
        self.writer.write(np.ascontiguousarray(frame))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.release()
            self.writer = None


@dataclass
class Frame:
    """An image or video frame to process: its index in the input, its name (file name, or ``STEM_NNNNNN`` for a
    frame of a video or stream), the image (H, W, 3) or why it could not be read, and its time in seconds (frame
    index / frame rate; arrival time for a live source)."""

    index: int
    name: str
    image: np.ndarray | ImageReadError
    time: float


class InferenceInput:
    """What inference runs on: the image files of ``path`` (see :func:`list_images`), the frames of a video, or a
    live source (a camera index or stream URL, :class:`~.live_input.LiveSource`, opened here). ``total`` counts
    the images or frames (for a video, as its container says; None for a live source)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.live = LiveSource(path) if is_live(path) else None
        if self.live is not None:
            self.video, self.total, self.fps, self.stem = True, None, self.live.fps or FOLDER_FPS, live_name(path)
            self.files = []
            return
        if not osp.exists(path):
            raise FileNotFoundError(f'input {path} does not exist')
        self.video = is_video(path)
        self.stem = Path(path).stem
        if self.video:
            capture, self.total, self.fps = open_video(path)
            capture.release()
            self.files = []
        else:
            self.files = list_images(path)
            self.total, self.fps = len(self.files), FOLDER_FPS

    def frames(self, share: range, to_end: bool = False) -> Iterator[Frame]:
        """The images or frames in ``share`` (a live source: every frame it hands out, whatever ``share``);
        ``to_end``: for a video, on to its last frame (the container's frame count can be short)."""
        if self.live is not None:
            return (Frame(f.index, f'{self.stem}_{f.index:06d}', f.image, f.arrival) for f in self.live.frames())
        named = (iter_video(self.path, share.start, None if to_end else share.stop) if self.video else
                 iter_images(self.files[share.start:share.stop]))
        # decoded by a thread while the models run
        return (Frame(index, name, image, index / self.fps)
                for index, (name, image) in enumerate(read_ahead(named), share.start))
