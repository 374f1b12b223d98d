"""Trains the MeshNet-style model (dilated 3D convolutions, FreeSurfer-conformed input) and writes
its ONNX file, manifest and torch reference fixture.

Run with Debian's torch:  /usr/bin/python3 train_meshnet.py [--steps N]
Data: Colin27 (`mricron-data` ch2.nii.gz, 1 mm) conformed by `conform.py` (256^3, 1 mm, LIA,
uint8) with the 7 coarse structures of samples/structures.json (nearest-neighbour conform).
The network has no down-sampling: 3x3x3 convolutions with dilations 1, 2, 4, 8, 4, 2, 1
(receptive field 45 voxels), batch norm, ReLU, a 1x1x1 head (the MeshNet family of brainchop).
It is fully convolutional, so the engine runs it on the whole cropped conformed volume.
Trained on crops centred on random labelled voxels (`--balanced`: on a voxel of a uniformly drawn
structure); `--init` continues from saved weights (models/training-log.md has the commands of the
shipped version). The weights go to checkpoints/ (committed); after training (or with
`--export-from`), the ONNX file and manifest are written and the torch reference of the whole
pipeline (reference_pipeline.py) is computed on a region of the sample study as the parity
test's fixture.
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
from structures import coarse_labels, load_structures

CHANNELS = 4
DILATIONS = (1, 2, 4, 8, 4, 2, 1)
N_CLASSES = 8
CROP = 40
NAME = 'meshnet-colin27-conform'
# 1.0.0: 300 steps from scratch; 1.1.0: continued for 1,200 steps (training-log.md)
VERSION = '1.1.0'
MODELS = os.path.join(REPO, 'platform', 'inference', 'models')
CROP_MARGIN = 8
# the trained weights (state dict), committed: the parity fixture is regenerated from them
CHECKPOINT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'checkpoints', f'{NAME}.pt')


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
        'version': VERSION,
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
        'expects': {'modality': 'MR', 'bodyPart': 'HEAD', 'description': 'T1'},
    }


def training_data():
    """The conformed Colin27 image (window 0..255 -> 0..1) and labels, cropped to the foreground
    box plus CROP_MARGIN like the engine's `crop`, as (1, 1, D, H, W) and (1, D, H, W) tensors."""
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
    return x, y, structures


def train(model, x, y, steps, crop, batch, lr, rng, balanced):
    """Adam with a cosine schedule on `batch` crops of crop^3 per step. Crops are centred on a
    random labelled voxel, or with `balanced` on a random voxel of a class drawn uniformly (the
    small structures are seen as often as the big lobes)."""
    D, H, W = x.shape[2:]
    by_class = [torch.nonzero(y[0] == c).numpy() for c in range(1, N_CLASSES)]
    brain = np.concatenate(by_class)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    model.train()
    t0 = time.time()
    for step in range(steps):
        xs, ys = [], []
        for _ in range(batch):
            pool = by_class[rng.randint(len(by_class))] if balanced else brain
            c = pool[rng.randint(len(pool))]
            o = [int(np.clip(c[a] - crop // 2, 0, s - crop)) for a, s in enumerate((D, H, W))]
            xs.append(x[:, :, o[0]:o[0] + crop, o[1]:o[1] + crop, o[2]:o[2] + crop])
            ys.append(y[:, o[0]:o[0] + crop, o[1]:o[1] + crop, o[2]:o[2] + crop])
        # batches of >= 2 also take torch's fast (mkldnn) convolution path on CPU
        loss = F.cross_entropy(model(torch.cat(xs)), torch.cat(ys))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if (step + 1) % 25 == 0:
            print(f'step {step + 1}/{steps} loss {float(loss):.4f} {time.time() - t0:.0f}s',
                  flush=True)
    model.eval()
    return time.time() - t0


def export(model, structures):
    """Writes the ONNX file and manifest of a trained model (eval mode); returns the manifest."""
    onnx_path = os.path.join(MODELS, f'{NAME}.onnx')
    dummy = torch.zeros(1, 1, 32, 32, 32)
    dyn = {0: 'batch', 2: 'depth', 3: 'height', 4: 'width'}
    torch.onnx.export(model, dummy, onnx_path, opset_version=17, input_names=['image'],
                      output_names=['logits'], dynamic_axes={'image': dyn, 'logits': dyn})
    nparams = sum(p.numel() for p in model.parameters())
    manifest = manifest_for(onnx_path, structures, nparams)
    write_manifest(os.path.join(MODELS, f'{NAME}.json'), manifest)
    return manifest


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=300)
    ap.add_argument('--crop', type=int, default=CROP)
    ap.add_argument('--batch', type=int, default=1)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--balanced', action='store_true',
                    help='centre crops on a voxel of a uniformly drawn class')
    ap.add_argument('--init', help='continue from this state dict '
                                   '(e.g. checkpoints/meshnet-colin27-conform.pt)')
    ap.add_argument('--checkpoint', default=CHECKPOINT,
                    help='where the trained state dict goes (default: the committed one)')
    ap.add_argument('--no-export', action='store_true',
                    help='only train and save the checkpoint (to compare before shipping)')
    ap.add_argument('--export-from', metavar='STATE_DICT',
                    help='no training: export these weights (ONNX, manifest, checkpoint, '
                         'parity fixture); the training-log entry is written by hand')
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(27)
    rng = np.random.RandomState(27)

    if args.export_from:
        from reference_pipeline import write_fixture
        model = MeshNet()
        model.load_state_dict(torch.load(args.export_from))
        model.eval()
        if os.path.abspath(args.export_from) != os.path.abspath(args.checkpoint):
            torch.save(model.state_dict(), args.checkpoint)
        manifest = export(model, load_structures())
        write_fixture(model, manifest, args.checkpoint)
        print(f'ONNX sha256 {manifest["sha256"]}, checkpoint sha256 {sha256(args.checkpoint)}')
        return

    x, y, structures = training_data()
    model = MeshNet()
    if args.init:
        model.load_state_dict(torch.load(args.init))
    train_s = train(model, x, y, args.steps, args.crop, args.batch, args.lr, rng, args.balanced)
    torch.save(model.state_dict(), args.checkpoint)
    print(f'wrote {args.checkpoint} (sha256 {sha256(args.checkpoint)})', flush=True)
    if args.no_export:
        return

    onnx_path = os.path.join(MODELS, f'{NAME}.onnx')
    manifest = export(model, structures)
    # the parity fixture: the torch reference of the whole pipeline on a region of the sample
    from reference_pipeline import write_fixture
    t1 = time.time()
    write_fixture(model, manifest, args.checkpoint)
    print(f'reference pipeline {time.time() - t1:.0f} s', flush=True)
    nparams = sum(p.numel() for p in model.parameters())
    start = f'continued from {args.init}, ' if args.init else ''
    centre = 'voxel of a uniformly drawn class' if args.balanced else 'labelled voxel'
    lines = [f'\n## {NAME} (cross-entropy, MeshNet-style, conformed input)\n',
             f'- {nparams} parameters, {start}{args.steps} steps of {args.batch} {args.crop}^3 '
             f'crop(s) centred on a random {centre} of the conformed volume, Adam {args.lr:g} '
             f'cosine, seed 27, 1 CPU thread, {train_s:.0f} s',
             f'- ONNX {os.path.getsize(onnx_path)} bytes, sha256 {manifest["sha256"]}']
    with open(os.path.join(MODELS, 'training-log.md'), 'a') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines), flush=True)


if __name__ == '__main__':
    main()
