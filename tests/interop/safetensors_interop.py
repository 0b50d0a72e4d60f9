#!/usr/bin/python3
"""Reads a safetensors file written by nabla with a tiny reader (json + struct
only) and checks every value against the expected.json the C++ side wrote
(tests/interop/safetensors_fixture.cpp).

    safetensors_interop.py DIR            json + struct only (plain python3)
    safetensors_interop.py DIR --torch    also build torch tensors from the
                                          file and compare them with torch;
                                          exits 77 (skipped) without torch

Exit status: 0 pass, 1 mismatch, 77 skipped.
"""
import json
import math
import os
import struct
import sys

SKIPPED = 77

# Safetensors dtype -> (struct format character, bytes per element).
STRUCT_FORMATS = {"F32": ("f", 4), "F64": ("d", 8), "I64": ("q", 8), "U8": ("B", 1),
                  "BOOL": ("?", 1), "BF16": ("H", 2)}


def read_safetensors(path):
    """(header dict without __metadata__, metadata dict, raw data bytes)."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack_from("<Q", blob, 0)
    if 8 + n > len(blob):
        raise ValueError(f"{path}: header length {n} runs past the end of the file")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    return header, metadata, blob[8 + n:]


def numel(shape):
    count = 1
    for s in shape:
        count *= s
    return count


def decode(entry, data):
    """The flat list of Python values of one tensor."""
    begin, end = entry["data_offsets"]
    char, size = STRUCT_FORMATS[entry["dtype"]]
    n = numel(entry["shape"])
    if end - begin != n * size:
        raise ValueError(f"{entry}: {end - begin} bytes for {n} elements of {size}")
    values = list(struct.unpack_from(f"<{n}{char}", data, begin))
    if entry["dtype"] == "BF16":  # the top half of a float32
        values = [struct.unpack("<f", struct.pack("<I", v << 16))[0] for v in values]
    return values


def expected_number(v):
    return float(v) if isinstance(v, str) else v  # "nan", "inf", "-inf"


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)  # -0.0 stays -0.0
    return a == b and type(a) is type(b)


def check_struct(header, metadata, data, expected):
    errors = []
    if metadata != expected["metadata"]:
        errors.append(f"metadata {metadata} != {expected['metadata']}")
    if sorted(header) != sorted(expected["tensors"]):
        errors.append(f"names {sorted(header)} != {sorted(expected['tensors'])}")
    for name, want in expected["tensors"].items():
        entry = header.get(name)
        if entry is None:
            continue
        if entry["dtype"] != want["dtype"] or entry["shape"] != want["shape"]:
            errors.append(f"{name}: {entry['dtype']}{entry['shape']} != {want['dtype']}{want['shape']}")
            continue
        got = decode(entry, data)
        wanted = [expected_number(v) for v in want["values"]]
        if len(got) != len(wanted) or not all(same(a, b) for a, b in zip(got, wanted)):
            errors.append(f"{name}: values {got} != {wanted}")
    return errors


def check_torch(header, data, expected):
    try:
        import torch
    except ImportError as e:
        print(f"SKIPPED: torch is not importable by {sys.executable} ({e}); "
              "install Debian's python3-torch to run this check")
        sys.exit(SKIPPED)
    dtypes = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "U8": torch.uint8,
              "BOOL": torch.bool, "BF16": torch.bfloat16}
    loaded = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = dtypes[entry["dtype"]]
        if end == begin:
            loaded[name] = torch.empty(entry["shape"], dtype=dtype)
        else:
            loaded[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(entry["shape"])
    try:  # the reference reader too, where that package is installed
        from safetensors.torch import load_file
        reference = load_file(os.path.join(sys.argv[1], "nabla.safetensors"))
        print("also comparing with safetensors.torch.load_file")
    except ImportError:
        reference = {}

    errors = []
    for name, want in expected["tensors"].items():
        dtype = dtypes[want["dtype"]]
        values = [expected_number(v) for v in want["values"]]
        wanted = torch.tensor(values, dtype=dtype).reshape(want["shape"])
        for source, got in (("frombuffer", loaded.get(name)), ("safetensors", reference.get(name))):
            if got is None:
                if source == "frombuffer":
                    errors.append(f"{name}: missing")
                continue
            if got.dtype != dtype or list(got.shape) != want["shape"]:
                errors.append(f"{name} ({source}): {got.dtype}{list(got.shape)} != {dtype}{want['shape']}")
                continue
            if dtype.is_floating_point:
                a, b = got.to(torch.float64), wanted.to(torch.float64)
                equal = bool(torch.equal(a.isnan(), b.isnan()) and
                             torch.equal(a.masked_fill(a.isnan(), 0), b.masked_fill(b.isnan(), 0)) and
                             torch.equal(torch.signbit(a), torch.signbit(b)))
            else:
                equal = torch.equal(got, wanted)
            if not equal:
                errors.append(f"{name} ({source}): {got} != {wanted}")
    print(f"torch {torch.__version__}: compared {len(expected['tensors'])} tensors")
    return errors


def main():
    if len(sys.argv) not in (2, 3) or (len(sys.argv) == 3 and sys.argv[2] != "--torch"):
        print(__doc__)
        return 2
    directory = sys.argv[1]
    with open(os.path.join(directory, "expected.json")) as f:
        expected = json.load(f)
    header, metadata, data = read_safetensors(os.path.join(directory, "nabla.safetensors"))
    errors = check_struct(header, metadata, data, expected)
    if len(sys.argv) == 3:
        errors += check_torch(header, data, expected)
    for e in errors:
        print("MISMATCH:", e)
    if not errors:
        print(f"ok: {len(expected['tensors'])} tensors and the metadata match")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
