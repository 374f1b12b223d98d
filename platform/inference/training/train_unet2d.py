"""Trains the 2D U-Net that ships with Concord, once per loss (cross-entropy, soft Dice).

Run with Debian's torch:  /usr/bin/python3 train_unet2d.py --loss ce|dice [--epochs N]
Data: Colin27 T1 (mricron-data ch2.nii.gz) with the 7 coarse AAL structures of
samples/structures.json as targets, axial slices at 2 x 2 mm in-plane (1 mm between slices),
every 5th slice held out for validation. Both runs use the same architecture, seed, optimiser
and number of epochs; only the loss differs. Writes <name>.onnx + <name>.json (concord.model/v1)
into ../models and appends held-out Dice per structure to ../models/training-log.md.
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

SPACING = (2.0, 2.0, 1.0)
PATCH_HW = (112, 96)  # NCHW: H = second voxel axis (posterior->anterior), W = first (left->right)
N_CLASSES = 8
MODELS = os.path.join(REPO, 'extensions', 'onnx-inference', 'models')


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.ReLU(inplace=True))


class UNet2D(nn.Module):
    """Plain U-Net: Conv, ReLU, MaxPool, ConvTranspose, Concat only (ORT WASM + WebGPU)."""

    def __init__(self, cin=1, ncls=N_CLASSES, base=16):
        super().__init__()
        c = [base, base * 2, base * 4, base * 8]
        self.e1, self.e2, self.e3 = block(cin, c[0]), block(c[0], c[1]), block(c[1], c[2])
        self.b = block(c[2], c[3])
        self.u3 = nn.ConvTranspose2d(c[3], c[2], 2, stride=2)
        self.d3 = block(c[3], c[2])
        self.u2 = nn.ConvTranspose2d(c[2], c[1], 2, stride=2)
        self.d2 = block(c[2], c[1])
        self.u1 = nn.ConvTranspose2d(c[1], c[0], 2, stride=2)
        self.d1 = block(c[1], c[0])
        self.head = nn.Conv2d(c[0], ncls, 1)

    def forward(self, x):
        e1 = self.e1(x)
        e2 = self.e2(F.max_pool2d(e1, 2))
        e3 = self.e3(F.max_pool2d(e2, 2))
        b = self.b(F.max_pool2d(e3, 2))
        d3 = self.d3(torch.cat([self.u3(b), e3], 1))
        d2 = self.d2(torch.cat([self.u2(d3), e2], 1))
        d1 = self.d1(torch.cat([self.u1(d2), e1], 1))
        return self.head(d1)


def soft_dice_loss(logits, target):
    p = torch.softmax(logits, 1)
    onehot = F.one_hot(target, N_CLASSES).permute(0, 3, 1, 2).float()
    dims = (0, 2, 3)
    inter = (p * onehot).sum(dims)
    denom = p.sum(dims) + onehot.sum(dims)
    return 1 - ((2 * inter + 1e-5) / (denom + 1e-5)).mean()


def slices(image, labels):
    """(K, 1, H, W) images and (K, H, W) labels from a RAS (x, y, z) volume, padded to PATCH_HW."""
    img = centre_pad(image, (PATCH_HW[1], PATCH_HW[0]), (0, 1), 0.0)
    lab = centre_pad(labels, (PATCH_HW[1], PATCH_HW[0]), (0, 1), 0)
    # (x, y, z) -> (z, y, x): slice, H = y, W = x
    x = np.ascontiguousarray(img.transpose(2, 1, 0))[:, None]
    y = np.ascontiguousarray(lab.transpose(2, 1, 0))
    return torch.from_numpy(x), torch.from_numpy(y)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--loss', choices=['ce', 'dice'], required=True)
    ap.add_argument('--epochs', type=int, default=100)
    ap.add_argument('--batch', type=int, default=8)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(27)
    np.random.seed(27)

    image, labels, structures, (lo, hi) = load_colin(SPACING)
    x, y = slices(image, labels)
    k = np.arange(x.shape[0])
    val = k % 5 == 0
    # slices with no brain teach little; keep a few empty ones so the model learns "nothing here"
    has_brain = (y.reshape(len(k), -1) > 0).any(1).numpy()
    train_idx = k[~val & (has_brain | (k % 10 == 1))]
    val_idx = k[val]
    print(f'slices {len(k)}, train {len(train_idx)}, held out {len(val_idx)}, p0.5/p99.5 {lo}/{hi}',
          flush=True)

    model = UNet2D()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    t0 = time.time()
    rng = np.random.RandomState(27)
    for epoch in range(args.epochs):
        model.train()
        order = rng.permutation(train_idx)
        total = 0.0
        for s in range(0, len(order), args.batch):
            b = order[s:s + args.batch]
            xb, yb = x[b], y[b]
            # light augmentation: random in-plane shift up to 4 voxels (labels are not lateralised)
            dy, dx = rng.randint(-4, 5, size=2)
            xb = torch.roll(xb, (int(dy), int(dx)), (2, 3))
            yb = torch.roll(yb, (int(dy), int(dx)), (1, 2))
            logits = model(xb)
            loss = F.cross_entropy(logits, yb) if args.loss == 'ce' else soft_dice_loss(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(b)
        sched.step()
        print(f'epoch {epoch + 1}/{args.epochs} loss {total / len(order):.4f} '
              f'{time.time() - t0:.0f}s', flush=True)

    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(x[val_idx[i:i + 16]]).argmax(1) for i in range(0, len(val_idx), 16)])
    dice = dice_per_class(pred.numpy(), y[val_idx].numpy(), N_CLASSES)
    train_s = time.time() - t0

    name = f'unet2d-colin27-{args.loss}'
    onnx_path = os.path.join(MODELS, f'{name}.onnx')
    torch.onnx.export(model, x[:1], onnx_path, opset_version=17, input_names=['image'],
                      output_names=['logits'],
                      dynamic_axes={'image': {0: 'batch', 2: 'height', 3: 'width'},
                                    'logits': {0: 'batch', 2: 'height', 3: 'width'}})
    nparams = sum(p.numel() for p in model.parameters())
    loss_name = 'cross-entropy' if args.loss == 'ce' else 'soft Dice'
    manifest = {
        'schema': 'concord.model/v1',
        'name': name,
        'version': '1.0.0',
        'description': f'2D U-Net ({nparams / 1e6:.2f} M parameters) trained on Colin27 axial slices '
                       f'with {loss_name} loss; 7 coarse AAL structures (samples/structures.json).',
        'file': f'{name}.onnx',
        'sha256': sha256(onnx_path),
        'dimensionality': '2d',
        'input': {'name': 'image', 'layout': 'NCHW', 'channels': 1, 'dtype': 'float32',
                  'patchSize': list(PATCH_HW), 'multipleOf': 8},
        'output': {'name': 'logits', 'type': 'logits', 'classAxis': 1},
        'preprocessing': {
            'orientation': 'RAS', 'spacing': list(SPACING),
            'intensity': {'type': 'percentile', 'low': 0.5, 'high': 99.5, 'nonzeroOnly': True,
                          'outputRange': [0, 1], 'clip': True},
            'padValue': 0},
        'inference': {'overlap': 0.25, 'blend': 'gaussian'},
        'classes': classes_from_structures(structures),
    }
    write_manifest(os.path.join(MODELS, f'{name}.json'), manifest)

    names = {s['label']: s['name'] for s in structures}
    lines = [f'\n## {name} ({loss_name})\n',
             f'- {nparams} parameters, {args.epochs} epochs, batch {args.batch}, Adam 2e-3 cosine, '
             f'seed 27, 1 CPU thread, {train_s:.0f} s',
             f'- {len(train_idx)} training slices, {len(val_idx)} held-out slices (every 5th)',
             f'- ONNX {os.path.getsize(onnx_path)} bytes, sha256 {manifest["sha256"]}',
             '', '| label | structure | held-out Dice |', '|---|---|---|']
    for c, d in dice.items():
        lines.append(f'| {c} | {names[c]} | {d:.4f} |')
    lines.append(f'| | mean | {np.mean(list(dice.values())):.4f} |')
    with open(os.path.join(MODELS, 'training-log.md'), 'a') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines), flush=True)


if __name__ == '__main__':
    main()
