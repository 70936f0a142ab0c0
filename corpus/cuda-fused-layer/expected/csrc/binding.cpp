#include <torch/library.h>
#include <ATen/ATen.h>

#include "fused_kernels.h"

TORCH_LIBRARY(fused_layer, m) {
  m.def("bias_gelu(Tensor x, Tensor bias) -> Tensor");
  m.def("scaled_residual(Tensor h, Tensor residual, float alpha) -> Tensor");
  m.def("layer_norm(Tensor x, Tensor gamma, Tensor beta, float eps) -> Tensor[]");
}

TORCH_LIBRARY_IMPL(fused_layer, PrivateUse1, m) {
  m.impl("bias_gelu", &fused::bias_gelu_forward);
  m.impl("scaled_residual", &fused::scaled_residual);
  m.impl("layer_norm", &fused::layer_norm_forward);
}
