"""Encode ground-truth keypoints with a config's codec, decode them, and score them with its evaluator.

Uses the config's test set with ground-truth boxes. An AP near 1 shows that targets, decoding and the
mapping back to image coordinates agree.
"""
import argparse

from mmengine.config import Config, DictAction

from mspn_plugin.evaluation import codec_round_trip_metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--kernel', type=int, help='target kernel to render (default: the final one)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default=None)
    args = parser.parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    cfg.test_dataloader.dataset.bbox_file = None
    for step in cfg.test_dataloader.dataset.pipeline:
        if step['type'] == 'PackPoseInputs':
            step['pack_transformed'] = True
    metrics = codec_round_trip_metrics(cfg, args.kernel)
    for name, value in metrics.items():
        print(f'{name}: {value:.4f}')


if __name__ == '__main__':
    main()
