"""FreeSurfer-style conform in numpy/scipy: the independent reference for Concord's
`resample: "conform"` (docs/manifest.md#conform). Run with Debian's /usr/bin/python3.

It follows FastSurfer's `FastSurferCNN/data_loader/conform.py` (itself modelled on FreeSurfer's
`mri_convert --conform`), written here from its documented rules, not shared with the
TypeScript engine:

  grid       256^3 voxels of 1 mm, voxel axes towards L, I, A (LIA); the centre of the output
             (voxel 128, 128, 128) is the input's centre c = A_in @ (dims_in / 2) (FreeSurfer's
             centre convention: dims / 2, not (dims - 1) / 2).
  sampling   trilinear (scipy.ndimage.affine_transform, order 1, mode 'constant', cval 0): a
             sample whose input index lies outside [0, n - 1] on any axis is 0.
  scaling    FastSurfer's getscale(data, 0, 255, f_low=0, f_high=0.999) on the *input* voxels:
             src_min = min; a 1000-bin histogram (numpy.histogram) of all voxels; with nz the
             number of voxels with |v| >= 1e-15 and cs = [0, cumsum(hist)], idx = first index
             with cs >= voxnum - int(0.001 * nz); src_max = src_min + (idx - 2) * bin_size;
             scale = 255 / (src_max - src_min). Each resampled value maps to
             clip(scale * (v - src_min), 0, 255).
  storage    unsigned char, truncated (FastSurfer rounds with np.rint instead: values can differ
             by 1 from a FastSurfer-conformed volume).
"""
import numpy as np
from scipy.ndimage import affine_transform

CONFORM_SIZE = 256
# rows: the RAS direction of voxel axes 0, 1, 2 of the conformed grid (L, I, A)
LIA = np.array([[-1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])


def conform_affine(in_shape, in_affine, size=CONFORM_SIZE):
    """RAS affine of the conformed grid for an input of this shape and affine."""
    centre = in_affine[:3, :3] @ (np.asarray(in_shape[:3], float) / 2.0) + in_affine[:3, 3]
    mdc = LIA.T  # columns = axis directions
    out = np.eye(4)
    out[:3, :3] = mdc
    out[:3, 3] = centre - mdc @ np.full(3, size / 2.0)
    return out


def getscale(data, dst_min=0.0, dst_max=255.0, f_low=0.0, f_high=0.999):
    data = np.asarray(data, dtype=np.float64)
    src_min = float(data.min())
    src_max = float(data.max())
    if src_min < 0:
        raise ValueError('conform: input has values below 0')
    nz = int((np.abs(data) >= 1e-15).sum())
    voxnum = data.size
    histosize = 1000
    bin_size = (src_max - src_min) / histosize
    hist, _ = np.histogram(data, histosize)
    cs = np.concatenate(([0], np.cumsum(hist)))
    nth = int(f_low * voxnum)
    idx = np.where(cs < nth)[0]
    lo_idx = idx[-1] + 1 if len(idx) else 0
    src_min = lo_idx * bin_size + src_min
    nth = voxnum - int((1.0 - f_high) * nz)
    idx = np.where(cs >= nth)[0]
    hi_idx = idx[0] - 2
    src_max = hi_idx * bin_size + src_min
    scale = 1.0 if src_min == src_max else (dst_max - dst_min) / (src_max - src_min)
    return src_min, scale


def conform(data, affine, size=CONFORM_SIZE, order=1):
    """(uint8 conformed data, its RAS affine, (src_min, scale)). `data` is indexed [i, j, k]."""
    data = np.asarray(data, dtype=np.float64)
    out_affine = conform_affine(data.shape, affine, size)
    vox2vox = np.linalg.inv(out_affine) @ affine  # input voxel -> output voxel
    mapped = affine_transform(data, np.linalg.inv(vox2vox), output_shape=(size,) * 3,
                              order=order, mode='constant', cval=0.0)
    src_min, scale = getscale(data)
    scaled = np.clip(scale * (mapped - src_min), 0, 255)
    return scaled.astype(np.uint8), out_affine, (src_min, scale)


def conform_labels(labels, affine, size=CONFORM_SIZE):
    """Nearest-neighbour conform of a labelmap (for training targets)."""
    out_affine = conform_affine(labels.shape, affine, size)
    vox2vox = np.linalg.inv(out_affine) @ affine
    return affine_transform(labels, np.linalg.inv(vox2vox), output_shape=(size,) * 3, order=0,
                            mode='constant', cval=0), out_affine
