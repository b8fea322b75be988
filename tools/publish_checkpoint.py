"""Publish a trained checkpoint: weights and metadata only, named with the first 8 hex digits of its SHA-256."""
import argparse
import sys

from mspn_plugin.checkpoint import publish_checkpoint
from mspn_plugin.utils.cli import exit_status

EXAMPLES = '''examples:
  python tools/publish_checkpoint.py work_dirs/demo/iter_400.pth published/mspn18-half_coco-sample.pth \\
      --metric coco/AP=0.62
  # writes published/mspn18-half_coco-sample-<8 hex>.pth: the state dict, the config text, the dataset metainfo and
  # name, the metrics; no optimiser, scheduler or message-hub state. A URL ending in that name is verified on download.
'''


def metric(text: str) -> tuple[str, float]:
    name, _, value = text.partition('=')
    try:
        return name, float(value) if name else float('')
    except ValueError:
        raise argparse.ArgumentTypeError(f'{text!r} is not NAME=NUMBER') from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkpoint', help='checkpoint written by training (path or URL)')
    parser.add_argument('out', help='OUT.pth: the published file is OUT-<8 hex>.pth')
    parser.add_argument('--metric', type=metric, action='append', default=[], metavar='NAME=VALUE',
                        help='a score to record in the metadata (repeatable), e.g. coco/AP=0.71')
    parser.add_argument('--config', help='config file whose text replaces the one stored in the checkpoint')
    args = parser.parse_args(argv)

    def publish() -> None:
        config_text = open(args.config).read() if args.config else None
        print(f'published: {publish_checkpoint(args.checkpoint, args.out, dict(args.metric), config_text)}')

    return exit_status(publish)


if __name__ == '__main__':
    sys.exit(main())
