"""Makes the spatial dims (H, W) of an exported 2D U-Net symbolic, in place, and updates the
sha256 in its manifest. The network is fully convolutional, so the weights do not change; the
manifest's patchSize still decides the tile size (multipleOf 8 keeps the pooling levels even).

train_unet2d.py now exports with symbolic H/W itself; this script converted the two models
trained before that change (see training-log.md). Run: /usr/bin/python3 make_hw_dynamic.py NAME...
"""
import json
import os
import sys

import onnx

from common import sha256, write_manifest

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models')


def make_dynamic(name):
    path = os.path.join(MODELS, f'{name}.onnx')
    model = onnx.load(path)
    for value in list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        for axis, symbol in ((2, 'height'), (3, 'width')):
            dims[axis].ClearField('dim_value')
            dims[axis].dim_param = symbol
    del model.graph.value_info[:]  # intermediate shapes were fixed too
    onnx.checker.check_model(model)
    onnx.save(model, path)
    manifest_path = os.path.join(MODELS, f'{name}.json')
    with open(manifest_path) as f:
        manifest = json.load(f)
    manifest['sha256'] = sha256(path)
    write_manifest(manifest_path, manifest)
    print(name, manifest['sha256'], os.path.getsize(path))


if __name__ == '__main__':
    for n in sys.argv[1:]:
        make_dynamic(n)
