"""Background utilisation sampler based on NVML."""
import logging
import threading

try:
    import pynvml
    HAS_NVML = True
except ImportError:
    pynvml = None
    HAS_NVML = False

logger = logging.getLogger(__name__)


class DeviceMonitor:
    def __init__(self, index=0, interval=5.0):
        self.index = index
        self.interval = interval
        self._handle = None
        self._last = {}
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        if not HAS_NVML:
            logger.warning("pynvml not installed; utilisation will not be reported")
            return
        pynvml.nvmlInit()
        self._handle = pynvml.nvmlDeviceGetHandleByIndex(self.index)
        self._thread = threading.Thread(target=self._loop, name="device-monitor", daemon=True)
        self._thread.start()

    def _loop(self):
        while not self._stop.is_set():
            util = pynvml.nvmlDeviceGetUtilizationRates(self._handle)
            mem = pynvml.nvmlDeviceGetMemoryInfo(self._handle)
            self._last = {
                "util_pct": util.gpu,
                "mem_used_mb": mem.used // 2**20,
                "mem_total_mb": mem.total // 2**20,
            }
            self._stop.wait(self.interval)

    def last(self):
        return dict(self._last)

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval)
            pynvml.nvmlShutdown()
