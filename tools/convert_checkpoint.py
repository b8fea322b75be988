"""Convert an MSPN checkpoint trained elsewhere into this package's layout."""
import argparse
import sys

import torch

from mspn_plugin.checkpoint import (
    convert_authors_state_dict,
    convert_mmpose_state_dict,
    load_checkpoint_weights_only,
    state_dict_of,
)
from mspn_plugin.utils.files import atomic_path

CONVERTERS = {'mmpose': convert_mmpose_state_dict, 'authors': convert_authors_state_dict}


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
        state_dict = CONVERTERS[args.source](state_dict_of(checkpoint))
    except (KeyError, TypeError, ValueError) as error:
        sys.exit(f'cannot convert {args.src} (--from {args.source}): {error.args[0] if error.args else error}')
    with atomic_path(args.dst) as tmp:
        torch.save({'state_dict': state_dict, 'meta': {'converted_from': args.source}}, tmp)
    print(f'wrote {len(state_dict)} tensors to {args.dst}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
