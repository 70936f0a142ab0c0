"""Server configuration.

Allocator and debug switches are read by the runtime when it initialises,
so this module must be imported before torch.
"""
import copy
import json
import os

os.environ.setdefault("PYTORCH_NPU_ALLOC_CONF", "expandable_segments:True")
if os.environ.get('SERVER_DEBUG_SYNC') == '1':
    # make kernel errors surface at the failing call instead of later
    os.environ['ASCEND_LAUNCH_BLOCKING'] = '1'

DEFAULT_CONFIG = {"device": "npu", "model_path": "weights/model_cuda.safetensors",
                  "dtype": "float16",
                  "in_features": 768,
                  "num_classes": 12,
                  "max_batch_size": 64,
                  "num_streams": 2,
                  "host": "0.0.0.0",
                  "port": 8000}


def load_config(overrides=None, path=None):
    cfg = copy.deepcopy(DEFAULT_CONFIG)
    if path is None:
        path = os.environ.get("SERVER_CONFIG")
    if path:
        with open(path, encoding="utf-8") as f:
            cfg.update(json.load(f))
    for key, value in (overrides or {}).items():
        if value is not None:
            cfg[key] = value
    return cfg
