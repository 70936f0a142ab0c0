from .configuration import LlamaConfig
from .modeling_llama import LlamaForCausalLM, LlamaModel

__version__ = "0.3.1"
__all__ = ["LlamaConfig", "LlamaForCausalLM", "LlamaModel"]
