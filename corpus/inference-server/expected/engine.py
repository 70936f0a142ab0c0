"""Batched inference engine: loads the model once, serves requests on side streams."""
import logging
import threading

import torch
import torch_npu
import torch.nn as nn

try:
    import cupy as cp
    HAS_CUPY = True
except ImportError:
    cp = None
    HAS_CUPY = False

logger = logging.getLogger(__name__)


def resolve_device(name=None):
    if name:
        return torch.device(name)
    return torch.device("npu:0" if torch.npu.is_available() else "cpu")


def build_classifier(cfg):
    hidden = cfg["in_features"] * 2
    return nn.Sequential(
        nn.Linear(cfg["in_features"], hidden),
        nn.GELU(),
        nn.LayerNorm(hidden),
        nn.Linear(hidden, cfg["num_classes"]),
    )


class InferenceEngine:
    def __init__(self, cfg):
        self.cfg = cfg
        self.device = resolve_device(cfg.get("device"))
        self.model = self._load(cfg['model_path'])
        n_streams = cfg.get("num_streams", 1)
        self.streams = [torch.npu.Stream() for _ in range(n_streams)] if self.device.type == "npu" else []
        self._lock = threading.Lock()
        self._next = 0

    def _load(self, path):
        if path.endswith(".safetensors"):
            from safetensors.torch import load_file
            model = build_classifier(self.cfg)
            model.load_state_dict(load_file(path))
        elif self.device.type == "npu":
            model = torch.load(path, map_location="npu", weights_only=False)
        else:
            model = torch.load(path, map_location='cpu', weights_only=False)
        if self.device.type == "npu":
            model = model.half().npu().eval()
        else:
            model = model.float().eval()
        return model

    def memory_report(self):
        if not torch.npu.is_available():
            return {}
        free, total = torch.npu.mem_get_info()
        return {
            "free_mb": free // 2**20,
            "total_mb": total // 2**20,
            "summary": torch.npu.memory_summary(abbreviated=True),
        }

    def _pick_stream(self):
        with self._lock:
            stream = self.streams[self._next % len(self.streams)]
            self._next += 1
        return stream

    @staticmethod
    def _postprocess(out):
        if out.is_npu:
            out = out.float().cpu()
        return out.softmax(dim=-1)

    @torch.inference_mode()
    def infer(self, features):
        x = torch.as_tensor(features, dtype=torch.float32)
        if not self.streams:
            return self._postprocess(self.model(x.to(self.device)))
        stream = self._pick_stream()
        stream.wait_stream(torch.npu.current_stream())
        with torch.npu.stream(stream):
            x = x.pin_memory().to(self.device, non_blocking=True).half()
            out = self.model(x)
        stream.synchronize()
        return self._postprocess(out)

    def safe_infer(self, features):
        try:
            return self.infer(features)
        except torch.OutOfMemoryError:
            logger.warning("OOM on a batch of %d, splitting it", len(features))
            torch.npu.empty_cache()
            mid = len(features) // 2
            if mid == 0:
                raise
            return torch.cat([self.safe_infer(features[:mid]), self.safe_infer(features[mid:])])

    def warmup(self):
        if self.device.type != "npu":
            return
        dummy = torch.npu.FloatTensor(self.cfg["max_batch_size"], self.cfg["in_features"]).normal_()
        for _ in range(3):
            self.infer(dummy.cpu())
        torch.npu.synchronize()
        torch.npu.reset_peak_memory_stats()
        logger.info("warm-up done, %s", self.memory_report().get("free_mb"))


def to_array(t):
    """Hand a device tensor to CuPy without a host round trip when possible."""
    if HAS_CUPY and t.is_cuda:
        return cp.asarray(t)
    return t.detach().cpu().numpy()
