"""Inputs of `npm run bench:scale` (issue 14): a TotalSegmentator-scale case, generated, never
committed (the caller puts it in a cache folder outside git).

From the AAL atlas (Debian mricron-data, 116 regions, each its own structure) and the Colin27 T1
(ch2), upsampled by nearest neighbour onto a 512x512x300 grid (x --scale s: round(512 s) x
round(512 s) x round(300 s)):
  study/dicom/    the T1 as an MR series, one file per axial slice (explicit VR little endian)
  reference.u8    the 116 AAL regions (1..116, named by aal.nii.txt) on the series grid,
                  raw uint8, i (column) fastest, then j (row), then k (slice)
  prediction.u8   the same with realistic per-structure errors made at atlas resolution
                  (dilation, erosion, shifts, a rim) and a false-positive blob
  structures.json names of the 116 labels; case.json the grid and the study's UID
The SEGs are written from the .u8 files by make-segs.ts with Concord's SEG writer (the
reference SEG into study/, next to the series; the prediction SEG outside it, for "Load…").

/usr/bin/python3 scripts/bench-scale/generate.py OUT_DIR [SCALE]
"""
import json
import os
import sys
import uuid

import nibabel as nib
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian
from scipy import ndimage

TEMPLATES = '/usr/share/mricron/templates'
MR_STORAGE = '1.2.840.10008.5.1.4.1.1.4'
FACE = ndimage.generate_binary_structure(3, 1)


def uid(name):
    return '2.25.%d' % uuid.uuid5(uuid.NAMESPACE_URL, 'concord-bench-scale/' + name).int


def ds_str(x):
    return ('%.6f' % x).rstrip('0').rstrip('.')


def aal_labels():
    """AAL on its grid as (k, j, i) LPS order (i: towards L, j: towards P, k: towards S), 1..116."""
    img = nib.load(os.path.join(TEMPLATES, 'aal.nii.gz'))
    aal = np.asarray(img.dataobj).astype(np.int32)
    names = {}
    with open(os.path.join(TEMPLATES, 'aal.nii.txt')) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                names[int(parts[0])] = parts[1]  # the file's voxel values are its first column
    ras = aal.astype(np.uint8)
    names = [names[n] for n in range(1, int(ras.max()) + 1)]
    t1 = np.asarray(nib.load(os.path.join(TEMPLATES, 'ch2.nii.gz')).dataobj).astype(np.uint16)
    # RAS (x, y, z) -> LPS (k, j, i): flip x and y, then z slowest
    to_lps = lambda a: np.ascontiguousarray(a[::-1, ::-1, :].transpose(2, 1, 0))  # noqa: E731
    return to_lps(ras), to_lps(t1), names


def perturb(ref, seed):
    """Per-structure errors at atlas resolution, each inside the structure's bounding box."""
    rng = np.random.default_rng(seed)
    pred = np.zeros_like(ref)
    boxes = ndimage.find_objects(ref)
    for label, box in enumerate(boxes, start=1):
        if box is None:
            continue
        box = tuple(slice(max(0, s.start - 4), min(n, s.stop + 4)) for s, n in zip(box, ref.shape))
        m = ref[box] == label
        kind = label % 4
        if kind == 0:
            m = ndimage.binary_dilation(m, structure=FACE)
        elif kind == 1:
            m = ndimage.binary_erosion(m, structure=FACE, border_value=0)
        elif kind == 2:
            m = np.roll(m, shift=tuple(int(x) for x in rng.integers(-2, 3, 3)), axis=(0, 1, 2))
        else:
            m = ndimage.binary_dilation(m, structure=FACE) & ~ndimage.binary_erosion(
                np.roll(m, 1, axis=0), structure=FACE, iterations=2)
            m |= ref[box] == label
        view = pred[box]
        view[m & (view == 0)] = label
    c = np.array(ref.shape) // 8
    pred[c[0]:c[0] + 5, c[1]:c[1] + 5, c[2]:c[2] + 5] = 1
    return pred


def upsample(a, shape):
    idx = [np.minimum(((np.arange(n) + 0.5) * a.shape[d] / n).astype(np.int64), a.shape[d] - 1)
           for d, n in enumerate(shape)]
    return a[np.ix_(*idx)]


def write_series(image, spacing, out_dir):
    """image: (k, j, i) uint16; spacing (i, j, k) mm."""
    os.makedirs(out_dir, exist_ok=True)
    nz, ny, nx = image.shape
    study, series, frame = uid('study'), uid('series/t1'), uid('for')
    origin = (-90.0, -126.0, -72.0)
    for k in range(nz):
        sop = uid('t1/%d/%d' % (nz, k))
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = MR_STORAGE
        meta.MediaStorageSOPInstanceUID = sop
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        meta.ImplementationClassUID = uid('implementation')
        ds = Dataset()
        ds.file_meta = meta
        ds.SpecificCharacterSet = 'ISO_IR 100'
        ds.ImageType = ['DERIVED', 'SECONDARY', 'OTHER']
        ds.SOPClassUID = MR_STORAGE
        ds.SOPInstanceUID = sop
        ds.StudyDate = ds.SeriesDate = ds.ContentDate = '20250101'
        ds.StudyTime = ds.SeriesTime = ds.ContentTime = '120000'
        ds.AccessionNumber = ''
        ds.Modality = 'MR'
        ds.Manufacturer = 'Concord bench generator'
        ds.ReferringPhysicianName = ''
        ds.StudyDescription = 'Concord scale bench: AAL 116 regions'
        ds.SeriesDescription = 'Colin27 T1 %dx%dx%d' % (nx, ny, nz)
        ds.PatientName = 'Scale^Bench'
        ds.PatientID = 'CONCORD-SCALE'
        ds.PatientBirthDate = ''
        ds.PatientSex = 'M'
        ds.SliceThickness = ds_str(spacing[2])
        ds.SpacingBetweenSlices = ds_str(spacing[2])
        ds.StudyInstanceUID = study
        ds.SeriesInstanceUID = series
        ds.StudyID = 'SCALE'
        ds.SeriesNumber = 1
        ds.InstanceNumber = k + 1
        ds.ImagePositionPatient = [ds_str(origin[0]), ds_str(origin[1]), ds_str(origin[2] + spacing[2] * k)]
        ds.ImageOrientationPatient = ['1', '0', '0', '0', '1', '0']
        ds.FrameOfReferenceUID = frame
        ds.PositionReferenceIndicator = ''
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = 'MONOCHROME2'
        ds.Rows = ny
        ds.Columns = nx
        ds.PixelSpacing = [ds_str(spacing[1]), ds_str(spacing[0])]
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 0
        ds.WindowCenter = '64'
        ds.WindowWidth = '128'
        ds.PixelData = np.ascontiguousarray(image[k]).astype('<u2').tobytes()
        ds.is_little_endian = True
        ds.is_implicit_VR = False
        pydicom.dcmwrite(os.path.join(out_dir, 'slice_%03d.dcm' % (k + 1)), ds, write_like_original=False)


def main():
    out = sys.argv[1]
    scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    shape = (round(300 * scale), round(512 * scale), round(512 * scale))  # (k, j, i)
    labels, t1, names = aal_labels()
    pred = perturb(labels, seed=14)
    # mm per voxel: the atlas' 1 mm extent spread over the new grid
    spacing = [labels.shape[2 - d] / shape[2 - d] for d in range(3)]  # (i, j, k)
    os.makedirs(out, exist_ok=True)
    write_series(upsample(t1, shape), spacing, os.path.join(out, 'study', 'dicom'))
    upsample(labels, shape).tofile(os.path.join(out, 'reference.u8'))
    upsample(pred, shape).tofile(os.path.join(out, 'prediction.u8'))
    with open(os.path.join(out, 'structures.json'), 'w') as f:
        json.dump({'structures': [{'label': n + 1, 'name': name} for n, name in enumerate(names)]}, f)
    with open(os.path.join(out, 'case.json'), 'w') as f:
        json.dump({'dims': list(shape[::-1]), 'spacing': spacing, 'structures': len(names),
                   'studyInstanceUID': uid('study')}, f)
    print('bench:scale case: %s (i, j, k), %d structures, spacing %s mm' % (
        list(shape[::-1]), len(names), [round(s, 4) for s in spacing]))


if __name__ == '__main__':
    main()
