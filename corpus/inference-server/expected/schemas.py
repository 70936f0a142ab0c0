from typing import Dict, List, Optional

from pydantic import BaseModel, Field


class PredictRequest(BaseModel):
    inputs: List[List[float]] = Field(..., description="one feature vector per item")
    top_k: int = Field(1, ge=1, le=10)
    request_id: Optional[str] = None


class Prediction(BaseModel):
    labels: List[int]
    scores: List[float]


class PredictResponse(BaseModel):
    request_id: Optional[str] = None
    predictions: List[Prediction]
    latency_ms: float


class HealthResponse(BaseModel):
    status: str
    device: str
    memory: Dict[str, object] = {}
    utilization: Dict[str, float] = {}
