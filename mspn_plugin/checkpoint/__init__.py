"""Checkpoint files: weights-only reading (local, URL, ``torchvision://``; hash-checked downloads), unwrapping, the
fit check, fine-tuning to another keypoint set, publishing, and the key maps of MMPose's, the authors' and ImageNet
ResNet files onto this package's layout."""
from .authors_keys import convert_authors_state_dict, fold_authors_input_normalisation
from .imagenet import imagenet_resnet_to_mspn, load_imagenet_resnet
from .keypoint_transfer import TransferSummary, fine_tune_from, keypoint_names, transfer_keypoint_weights
from .loading import (
    CheckpointDownloadError,
    CheckpointHashError,
    CheckpointMismatchError,
    CheckpointReadError,
    UnsafeCheckpointError,
    cached_download_path,
    download_checkpoint,
    install_checkpoint_loaders,
    is_url,
    load_checked_checkpoint,
    load_checkpoint_weights_only,
    load_fitting_state_dict,
    state_dict_of,
    torchvision_url,
)
from .mmpose_keys import convert_mmpose_state_dict, rename_mmpose_key, rename_mmpose_keys
from .publication import publish_checkpoint

__all__ = [
    'CheckpointDownloadError', 'CheckpointHashError', 'CheckpointMismatchError', 'CheckpointReadError',
    'TransferSummary', 'UnsafeCheckpointError', 'cached_download_path', 'convert_authors_state_dict',
    'convert_mmpose_state_dict', 'download_checkpoint', 'fine_tune_from', 'fold_authors_input_normalisation',
    'imagenet_resnet_to_mspn', 'install_checkpoint_loaders', 'is_url', 'keypoint_names', 'load_checked_checkpoint',
    'load_checkpoint_weights_only', 'load_fitting_state_dict', 'load_imagenet_resnet', 'publish_checkpoint',
    'rename_mmpose_key', 'rename_mmpose_keys', 'state_dict_of', 'torchvision_url', 'transfer_keypoint_weights'
]
