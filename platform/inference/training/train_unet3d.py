"""Trains the tiny 3D U-Net that exercises Concord's 3D sliding-window path.

Run with Debian's torch:  /usr/bin/python3 train_unet3d.py [--steps N]
Data: Colin27 T1 at 3 mm isotropic (60 x 72 x 60 voxels, RAS) with the 7 coarse structures.
The network takes 64^3 patches (NCDHW: D = third voxel axis, H = second, W = first), so at
inference the 72-voxel axis is tiled with overlap and Gaussian blending. Trained briefly on
random 64^3 crops; held-out Dice is measured on the slab z >= 48 (never cropped in training).
"""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import (REPO, centre_pad, classes_from_structures, dice_per_class, load_colin,
                    sha256, write_manifest)

SPACING = (3.0, 3.0, 3.0)
PATCH = 64
N_CLASSES = 8
MODELS = os.path.join(REPO, 'extensions', 'onnx-inference', 'models')


def block(cin, cout):
    return nn.Sequential(nn.Conv3d(cin, cout, 3, padding=1), nn.ReLU(inplace=True))


class UNet3D(nn.Module):
    def __init__(self, base=8):
        super().__init__()
        c = [base, base * 2, base * 4]
        self.e1, self.e2, self.b = block(1, c[0]), block(c[0], c[1]), block(c[1], c[2])
        self.u2 = nn.ConvTranspose3d(c[2], c[1], 2, stride=2)
        self.d2 = block(c[2], c[1])
        self.u1 = nn.ConvTranspose3d(c[1], c[0], 2, stride=2)
        self.d1 = block(c[1], c[0])
        self.head = nn.Conv3d(c[0], N_CLASSES, 1)

    def forward(self, x):
        e1 = self.e1(x)
        e2 = self.e2(F.max_pool3d(e1, 2))
        b = self.b(F.max_pool3d(e2, 2))
        d2 = self.d2(torch.cat([self.u2(b), e2], 1))
        d1 = self.d1(torch.cat([self.u1(d2), e1], 1))
        return self.head(d1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=150)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(27)
    rng = np.random.RandomState(27)

    image, labels, structures, _ = load_colin(SPACING)
    shape = tuple(max(PATCH, s) for s in image.shape)
    img = centre_pad(image, shape, (0, 1, 2), 0.0)
    lab = centre_pad(labels, shape, (0, 1, 2), 0)
    # (x, y, z) -> (z, y, x) = (D, H, W)
    x = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 1, 0)))[None, None]
    y = torch.from_numpy(np.ascontiguousarray(lab.transpose(2, 1, 0)))[None]
    D, H, W = x.shape[2:]
    hold = 48 + (D - image.shape[2]) // 2  # padded z index where the held-out slab starts
    model = UNet3D()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    t0 = time.time()
    for step in range(args.steps):
        # crops along H anywhere; along D the crop may include the held-out slab only as context,
        # the loss is masked there
        oh = rng.randint(0, H - PATCH + 1)
        xb = x[:, :, :PATCH, oh:oh + PATCH, :PATCH]
        yb = y[:, :PATCH, oh:oh + PATCH, :PATCH].clone()
        logits = model(xb)
        mask = torch.ones_like(yb, dtype=torch.bool)
        mask[:, hold:] = False
        loss = F.cross_entropy(logits.permute(0, 2, 3, 4, 1)[mask], yb[mask])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (step + 1) % 10 == 0:
            print(f'step {step + 1}/{args.steps} loss {float(loss):.4f} {time.time() - t0:.0f}s',
                  flush=True)
    train_s = time.time() - t0

    model.eval()
    with torch.no_grad():
        # two overlapping patches along H, averaged (the engine blends with a Gaussian instead)
        acc = torch.zeros(1, N_CLASSES, PATCH, H, PATCH)
        cnt = torch.zeros(1, 1, PATCH, H, PATCH)
        for oh in sorted({0, H - PATCH}):
            acc[:, :, :, oh:oh + PATCH] += torch.softmax(
                model(x[:, :, D - PATCH:, oh:oh + PATCH, :PATCH]), 1)
            cnt[:, :, :, oh:oh + PATCH] += 1
        pred = (acc / cnt).argmax(1)[0]
    start = hold - (D - PATCH)
    dice = dice_per_class(pred[start:].numpy(), y[0, hold:, :, :PATCH].numpy(), N_CLASSES)

    name = 'unet3d-colin27-tiny'
    onnx_path = os.path.join(MODELS, f'{name}.onnx')
    dummy = torch.zeros(1, 1, PATCH, PATCH, PATCH)
    torch.onnx.export(model, dummy, onnx_path, opset_version=17, input_names=['image'],
                      output_names=['logits'],
                      dynamic_axes={'image': {0: 'batch'}, 'logits': {0: 'batch'}})
    nparams = sum(p.numel() for p in model.parameters())
    manifest = {
        'schema': 'concord.model/v1',
        'name': name,
        'version': '1.0.0',
        'description': f'Tiny 3D U-Net ({nparams} parameters) on 64^3 patches at 3 mm, briefly '
                       'trained on Colin27 with cross-entropy; a test model for the 3D '
                       'sliding-window path, not an accurate segmenter.',
        'file': f'{name}.onnx',
        'sha256': sha256(onnx_path),
        'dimensionality': '3d',
        'input': {'name': 'image', 'layout': 'NCDHW', 'channels': 1, 'dtype': 'float32',
                  'patchSize': [PATCH, PATCH, PATCH], 'multipleOf': 4},
        'output': {'name': 'logits', 'type': 'logits', 'classAxis': 1},
        'preprocessing': {
            'orientation': 'RAS', 'spacing': list(SPACING),
            'intensity': {'type': 'percentile', 'low': 0.5, 'high': 99.5, 'nonzeroOnly': True,
                          'outputRange': [0, 1], 'clip': True},
            'padValue': 0},
        'inference': {'overlap': 0.5, 'blend': 'gaussian'},
        'classes': classes_from_structures(structures),
    }
    write_manifest(os.path.join(MODELS, f'{name}.json'), manifest)
    names = {s['label']: s['name'] for s in structures}
    lines = [f'\n## {name} (cross-entropy, 3D sliding-window test model)\n',
             f'- {nparams} parameters, {args.steps} steps of one random 64^3 crop, Adam 3e-3, '
             f'seed 27, 1 CPU thread, {train_s:.0f} s',
             f'- held out: axial slab z >= 48 of the 3 mm grid (z >= 144 mm above the grid start)',
             f'- ONNX {os.path.getsize(onnx_path)} bytes, sha256 {manifest["sha256"]}',
             '', '| label | structure | held-out Dice |', '|---|---|---|']
    for c, d in dice.items():
        lines.append(f'| {c} | {names[c]} | {d:.4f} |')
    with open(os.path.join(MODELS, 'training-log.md'), 'a') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines), flush=True)


if __name__ == '__main__':
    main()
