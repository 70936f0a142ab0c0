"""HTTP front end for the classifier.

    python server.py --device cuda:1 --model-path weights/model_cuda.safetensors
"""
import argparse
import logging
import subprocess
import time

from config import load_config  # sets allocator env vars before torch loads

import torch
from fastapi import FastAPI, HTTPException

from engine import InferenceEngine
from monitor import DeviceMonitor
from schemas import HealthResponse, Prediction, PredictRequest, PredictResponse

logger = logging.getLogger("server")
app = FastAPI(title="classifier-server")
state = {}


@app.get("/health", response_model=HealthResponse)
def health():
    engine = state["engine"]
    return HealthResponse(status="ok", device=str(engine.device),
                          memory={k: v for k, v in engine.memory_report().items() if k != "summary"},
                          utilization=state["monitor"].last())


@app.post("/predict", response_model=PredictResponse)
def predict(req: PredictRequest):
    engine = state["engine"]
    if len(req.inputs) > engine.cfg["max_batch_size"]:
        raise HTTPException(status_code=413, detail="batch too large")
    t0 = time.perf_counter()
    probs = engine.safe_infer(req.inputs)
    scores, labels = probs.topk(req.top_k, dim=-1)
    preds = [Prediction(labels=l.tolist(), scores=s.tolist()) for l, s in zip(labels, scores)]
    return PredictResponse(request_id=req.request_id, predictions=preds,
                           latency_ms=(time.perf_counter() - t0) * 1000)


@app.get("/debug/memory")
def debug_memory():
    return {"summary": torch.cuda.memory_summary()}


@app.get('/debug/smi')
def debug_smi():
    query = "index,name,utilization.gpu,memory.used,memory.total"
    out = subprocess.run(["nvidia-smi", f"--query-gpu={query}", "--format=csv,noheader,nounits"],
                         capture_output=True, text=True, check=False)
    fields = query.split(",")
    rows = [dict(zip(fields, [c.strip() for c in line.split(",")]))
            for line in out.stdout.splitlines() if line.strip()]
    return {"devices": rows, "returncode": out.returncode}


def main():
    parser = argparse.ArgumentParser(description="classifier inference server")
    parser.add_argument("--device", default="cuda", help="torch device string, e.g. cuda:0 or cpu")
    parser.add_argument("--model-path", default=None)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--streams", type=int, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    cfg = load_config({"device": args.device, "model_path": args.model_path,
                       "port": args.port, "num_streams": args.streams})
    engine = InferenceEngine(cfg)
    engine.warmup()
    monitor = DeviceMonitor(index=engine.device.index or 0)
    monitor.start()
    state.update(engine=engine, monitor=monitor)
    if engine.device.type == "cuda":
        logger.info("running on cuda")
    else:
        logger.info("running on %s", engine.device)

    import uvicorn
    try:
        uvicorn.run(app, host=cfg["host"], port=cfg["port"])
    finally:
        monitor.stop()


if __name__ == "__main__":
    main()
