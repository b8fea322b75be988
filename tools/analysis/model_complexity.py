"""Print GMACs (multiply-adds, 1 MAC = 1 "FLOP" as in fvcore/MMEngine) and parameters of a config's model."""
import argparse

from mmengine.config import Config

from mspn_plugin.models.utils import model_complexity
from mspn_plugin.utils.registry_scope import enter_config_scope


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--input-size', type=int, nargs=2, metavar=('W', 'H'), help='default: the codec input')
    args = parser.parse_args(argv)
    cfg = Config.fromfile(args.config)
    enter_config_scope(cfg)
    result = model_complexity(cfg, tuple(args.input_size) if args.input_size else None)
    width, height = result.input_size
    print(f'config: {args.config}')
    print(f'input: {height}x{width} (h x w)')
    print(f'GMACs, all predictors (training forward): {result.train_gmacs:.2f}')
    print(f'GMACs, inference path (final predictor):  {result.inference_gmacs:.2f}')
    print(f'parameters: {result.params_m:.2f} M')


if __name__ == '__main__':
    main()
