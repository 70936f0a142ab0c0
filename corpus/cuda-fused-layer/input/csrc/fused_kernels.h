#pragma once
#include <ATen/ATen.h>
#include <vector>

namespace fused {
at::Tensor bias_gelu_forward(const at::Tensor& x, const at::Tensor& bias);
at::Tensor scaled_residual(const at::Tensor& h, const at::Tensor& residual, double alpha);
std::vector<at::Tensor> layer_norm_forward(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                                           double eps);
}  // namespace fused
