"""ImageNet's per-channel pixel statistics (RGB order, 0-255 units): what ImageNet-trained backbones expect their
input normalised by, and what every config's data preprocessor and the exported models use."""
IMAGENET_RGB_MEAN = (123.675, 116.28, 103.53)
IMAGENET_RGB_STD = (58.395, 57.12, 57.375)
