"""Shared data preparation for the Concord training scripts (run with Debian's /usr/bin/python3).

The preprocessing here mirrors the TypeScript engine (platform/inference/src/engine/
preprocess.ts) step for step, so that a model sees at inference exactly what it saw in training:
  1. voxel order RAS (ch2 already is),
  2. linear resampling to the model spacing with the grid rule
     newDims = max(1, round(dims * spacing / target)), source index x = (i + 0.5) * target / spacing - 0.5,
     clamped to the edge voxels,
  3. percentile min-max over non-zero voxels (numpy 'linear' percentiles), clipped to [0, 1],
  4. centre padding (before = floor(missing / 2)) with padValue 0.
"""
import hashlib
import json
import os
import sys

import nibabel as nib
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, os.path.join(REPO, 'samples', 'scripts'))
from structures import coarse_labels, load_structures  # noqa: E402

CH2 = '/usr/share/mricron/templates/ch2.nii.gz'


def resample_axis_linear(a, axis, src_spacing, dst_spacing):
    n = a.shape[axis]
    m = max(1, int(np.floor(n * src_spacing / dst_spacing + 0.5)))
    x = (np.arange(m) + 0.5) * (dst_spacing / src_spacing) - 0.5
    x = np.clip(x, 0, n - 1)
    i0 = np.floor(x).astype(np.int64)
    i1 = np.minimum(i0 + 1, n - 1)
    w = (x - i0).astype(np.float32)
    shape = [1] * a.ndim
    shape[axis] = m
    w = w.reshape(shape)
    return np.take(a, i0, axis=axis) * (1 - w) + np.take(a, i1, axis=axis) * w


def resample_axis_nearest(a, axis, src_spacing, dst_spacing):
    n = a.shape[axis]
    m = max(1, int(np.floor(n * src_spacing / dst_spacing + 0.5)))
    x = (np.arange(m) + 0.5) * (dst_spacing / src_spacing) - 0.5
    idx = np.clip(np.floor(x + 0.5 + 1e-9), 0, n - 1).astype(np.int64)
    return np.take(a, idx, axis=axis)


def resample(vol, src_spacing, dst_spacing, nearest=False):
    out = vol.astype(np.float32) if not nearest else vol
    for ax in range(3):
        if abs(src_spacing[ax] - dst_spacing[ax]) > 1e-9:
            f = resample_axis_nearest if nearest else resample_axis_linear
            out = f(out, ax, src_spacing[ax], dst_spacing[ax])
    return out


def percentile_normalise(vol, low=0.5, high=99.5):
    nz = vol[vol != 0]
    lo, hi = np.percentile(nz, [low, high])  # numpy default = linear
    out = (vol - lo) / max(hi - lo, 1e-12)
    return np.clip(out, 0, 1).astype(np.float32), float(lo), float(hi)


def centre_pad(vol, target, axes, value=0.0):
    pads = [(0, 0)] * vol.ndim
    for ax, t in zip(axes, target):
        missing = t - vol.shape[ax]
        assert missing >= 0
        pads[ax] = (missing // 2, missing - missing // 2)
    return np.pad(vol, pads, constant_values=value)


def load_colin(spacing):
    """ch2 image (normalised) and the 7 coarse labels resampled to `spacing`, RAS voxel order."""
    img = nib.load(CH2)
    assert nib.aff2axcodes(img.affine) == ('R', 'A', 'S')
    src = tuple(float(s) for s in img.header.get_zooms()[:3])
    image = np.asarray(img.dataobj).astype(np.float32)
    labels, affine, structures = coarse_labels()
    assert np.allclose(affine, img.affine)
    image = resample(image, src, spacing)
    labels = resample(labels, src, spacing, nearest=True)
    image, lo, hi = percentile_normalise(image)
    return image, labels.astype(np.int64), structures, (lo, hi)


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def classes_from_structures(structures):
    out = [{'label': 0, 'name': 'background'}]
    for s in structures:
        c = {'label': s['label'], 'name': s['name'], 'color': s['color']}
        if 'code' in s:
            c['code'] = s['code']
        out.append(c)
    return out


def dice_per_class(pred, ref, n_classes):
    out = {}
    for c in range(1, n_classes):
        a = ref == c
        b = pred == c
        denom = a.sum() + b.sum()
        out[c] = float(2 * (a & b).sum() / denom) if denom else 1.0
    return out


def write_manifest(path, manifest):
    with open(path, 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
