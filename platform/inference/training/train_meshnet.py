"""Trains the MeshNet-style model (dilated 3D convolutions, FreeSurfer-conformed input) and writes
its ONNX file, manifest and torch reference fixture.

Run with Debian's torch:  /usr/bin/python3 train_meshnet.py [--steps N]
Data: Colin27 (`mricron-data` ch2.nii.gz, 1 mm) conformed by `conform.py` (256^3, 1 mm, LIA,
uint8) with the 7 coarse structures of samples/structures.json (nearest-neighbour conform).
The network has no down-sampling: 3x3x3 convolutions with dilations 1, 2, 4, 8, 4, 2, 1
(receptive field 45 voxels), batch norm, ReLU, a 1x1x1 head (the MeshNet family of brainchop).
It is fully convolutional, so the engine runs it on the whole cropped conformed volume.
Trained on 40^3 crops centred on random labelled voxels. After training, the torch reference of
the whole pipeline (reference_pipeline.py) is computed on a sub-volume of the sample study
and written as the parity test's fixture.
"""
import argparse
import os
import time

import nibabel as nib
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import REPO, CH2, classes_from_structures, sha256, write_manifest
from conform import conform, conform_labels
from structures import coarse_labels

CHANNELS = 4
DILATIONS = (1, 2, 4, 8, 4, 2, 1)
N_CLASSES = 8
CROP = 40
NAME = 'meshnet-colin27-conform'
MODELS = os.path.join(REPO, 'platform', 'inference', 'models')
CROP_MARGIN = 8


class MeshNet(nn.Module):
    def __init__(self, channels=CHANNELS, dilations=DILATIONS, classes=N_CLASSES):
        super().__init__()
        layers = []
        cin = 1
        for d in dilations:
            layers += [nn.Conv3d(cin, channels, 3, padding=d, dilation=d),
                       nn.BatchNorm3d(channels), nn.ReLU(inplace=True)]
            cin = channels
        self.body = nn.Sequential(*layers)
        self.head = nn.Conv3d(channels, classes, 1)

    def forward(self, x):
        return self.head(self.body(x))


def manifest_for(onnx_path, structures, nparams):
    return {
        'schema': 'concord.model/v1',
        'name': NAME,
        'version': '1.0.0',
        'description': f'MeshNet-style dilated 3D network ({nparams} parameters, dilations '
                       f'{"-".join(map(str, DILATIONS))}) on FreeSurfer-conformed input (256^3, '
                       '1 mm, LIA, uint8), trained on Colin27 with cross-entropy; 7 coarse AAL '
                       'structures (samples/structures.json).',
        'file': f'{NAME}.onnx',
        'sha256': sha256(onnx_path),
        'dimensionality': '3d',
        'input': {'name': 'image', 'layout': 'NCDHW', 'channels': 1, 'dtype': 'float32'},
        'output': {'name': 'logits', 'type': 'logits', 'classAxis': 1},
        'preprocessing': {
            'orientation': 'LIA',
            'resample': 'conform',
            'spacing': [1.0, 1.0, 1.0],
            'crop': {'threshold': 0, 'margin': CROP_MARGIN},
            'intensity': {'type': 'window', 'center': 127.5, 'width': 255,
                          'outputRange': [0, 1]},
            'padValue': 0},
        'inference': {'overlap': 0, 'blend': 'constant'},
        'postprocessing': {'largestComponent': 'perClass', 'fillHoles': True},
        'classes': classes_from_structures(structures),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=300)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(27)
    rng = np.random.RandomState(27)

    img = nib.load(CH2)
    raw = np.asarray(img.dataobj)
    image, _, _ = conform(raw, img.affine)
    labels, _, structures = coarse_labels()
    lab, _ = conform_labels(labels, img.affine)
    fg = np.argwhere(image > 0)
    lo = np.maximum(fg.min(0) - CROP_MARGIN, 0)
    hi = np.minimum(fg.max(0) + CROP_MARGIN + 1, 256)
    image = image[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]].astype(np.float32) / 255.0
    lab = lab[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]].astype(np.int64)
    # (i, j, k) -> (D, H, W) = (k, j, i)
    x = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 1, 0)))[None, None]
    y = torch.from_numpy(np.ascontiguousarray(lab.transpose(2, 1, 0)))[None]
    D, H, W = x.shape[2:]
    brain = torch.nonzero(y[0] > 0).numpy()
    model = MeshNet()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.steps)
    weights = torch.ones(N_CLASSES)
    t0 = time.time()
    for step in range(args.steps):
        # crops centred on a random labelled voxel (most of the box is background)
        c = brain[rng.randint(len(brain))]
        o = [int(np.clip(c[a] - CROP // 2, 0, s - CROP)) for a, s in enumerate((D, H, W))]
        xb = x[:, :, o[0]:o[0] + CROP, o[1]:o[1] + CROP, o[2]:o[2] + CROP]
        yb = y[:, o[0]:o[0] + CROP, o[1]:o[1] + CROP, o[2]:o[2] + CROP]
        loss = F.cross_entropy(model(xb), yb, weight=weights)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if (step + 1) % 25 == 0:
            print(f'step {step + 1}/{args.steps} loss {float(loss):.4f} {time.time() - t0:.0f}s',
                  flush=True)
    train_s = time.time() - t0
    model.eval()
    torch.save(model.state_dict(), os.path.join(os.environ.get('TMPDIR', '/tmp'),
                                                f'{NAME}.pt'))

    onnx_path = os.path.join(MODELS, f'{NAME}.onnx')
    dummy = torch.zeros(1, 1, 32, 32, 32)
    dyn = {0: 'batch', 2: 'depth', 3: 'height', 4: 'width'}
    torch.onnx.export(model, dummy, onnx_path, opset_version=17, input_names=['image'],
                      output_names=['logits'], dynamic_axes={'image': dyn, 'logits': dyn})
    nparams = sum(p.numel() for p in model.parameters())
    manifest = manifest_for(onnx_path, structures, nparams)
    write_manifest(os.path.join(MODELS, f'{NAME}.json'), manifest)

    # the parity fixture: the torch reference of the whole pipeline on a sub-volume of the sample
    from reference_pipeline import write_fixture
    t1 = time.time()
    write_fixture(model, manifest)
    print(f'reference pipeline {time.time() - t1:.0f} s', flush=True)
    lines = [f'\n## {NAME} (cross-entropy, MeshNet-style, conformed input)\n',
             f'- {nparams} parameters, {args.steps} steps of one {CROP}^3 crop centred on a random '
             f'labelled voxel of the conformed volume, Adam 3e-3 cosine, seed 27, 1 CPU thread, {train_s:.0f} s',
             f'- ONNX {os.path.getsize(onnx_path)} bytes, sha256 {manifest["sha256"]}']
    with open(os.path.join(MODELS, 'training-log.md'), 'a') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines), flush=True)


if __name__ == '__main__':
    main()
