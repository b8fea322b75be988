"""Convert an MSPN checkpoint trained elsewhere into this package's layout.

Usage:
    python tools/convert_checkpoint.py --from mmpose SRC.pth DST.pth
"""
import argparse
import os
import sys

import torch

from mspn_plugin.apis import convert_mmpose_state_dict, extract_state_dict
from mspn_plugin.utils.weights_only import load_checkpoint_weights_only

CONVERTERS = {'mmpose': convert_mmpose_state_dict}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--from', dest='source', choices=sorted(CONVERTERS), required=True,
                        help='where the checkpoint comes from')
    parser.add_argument('src', help='checkpoint to convert')
    parser.add_argument('dst', help='where to write the converted checkpoint')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    checkpoint = load_checkpoint_weights_only(args.src, map_location='cpu')
    try:
        state_dict = CONVERTERS[args.source](extract_state_dict(checkpoint))
    except KeyError as error:
        sys.exit(f'cannot convert {args.src}: {error}')
    tmp = f'{args.dst}.tmp'
    torch.save({'state_dict': state_dict, 'meta': {'converted_from': args.source}}, tmp)
    os.replace(tmp, args.dst)
    print(f'wrote {len(state_dict)} tensors to {args.dst}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
