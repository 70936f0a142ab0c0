// Fused elementwise and normalisation kernels for transformer layers
// (bias + GELU, residual add with scaling, LayerNorm), Megatron/apex style.
#include <ATen/ATen.h>
#include <torch_npu/csrc/core/npu/NPUStream.h>
#include <torch_npu/csrc/core/npu/NPUGuard.h>
#include <torch_npu/csrc/core/npu/NPUException.h>
#include <cuda_fp16.h>

#include "fused_kernels.h"
#include "torch_npu/csrc/core/npu/DeviceUtils.h"
#include "ascendc/bias_gelu_fwd_kernel_launch.h"
#include "ascendc/scaled_residual_kernel_launch.h"
#include "acl/acl.h"

namespace fused {

// y = gelu(x + bias) with the sigmoid approximation x * sigmoid(1.702 x)
__global__ void bias_gelu_fwd_kernel(const float* __restrict__ x, const float* __restrict__ bias,
                                     float* __restrict__ y, int64_t n) {
  for (int64_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
    const float v = x[i] + bias[i];
    y[i] = v / (1.0f + expf(-1.702f * v));
  }
}

// out = residual + alpha * h, clamped for fp16 safety
template <typename scalar_t>
__global__ void scaled_residual_kernel(const scalar_t* h, const scalar_t* residual, scalar_t* out,
                                       scalar_t alpha, scalar_t clamp_val, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    out[i] = min(residual[i] + alpha * h[i], clamp_val);
  }
}

__device__ __forceinline__ float warp_reduce_sum(float v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) {
    v += __shfl_xor_sync(0xffffffff, v, offset);
  }
  return v;
}

// one block per row; blockDim.x == 32 * WARPS
template <int WARPS>
__global__ void layer_norm_fwd_kernel(const float* __restrict__ x, const float* __restrict__ gamma,
                                      const float* __restrict__ beta, float* __restrict__ y,
                                      float* __restrict__ mean_out, float* __restrict__ rstd_out, int cols,
                                      float eps) {
  __shared__ float s_sum[WARPS];
  __shared__ float s_sq[WARPS];
  const int row = blockIdx.x;
  const float* xr = x + (size_t)row * cols;
  float sum = 0.f, sq = 0.f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    float v = xr[c];
    sum += v;
    sq += v * v;
  }
  sum = warp_reduce_sum(sum);
  sq = warp_reduce_sum(sq);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  if (lane == 0) {
    s_sum[warp] = sum;
    s_sq[warp] = sq;
  }
  __syncthreads();
  if (warp == 0) {
    sum = lane < WARPS ? s_sum[lane] : 0.f;
    sq = lane < WARPS ? s_sq[lane] : 0.f;
    sum = warp_reduce_sum(sum);
    sq = warp_reduce_sum(sq);
    if (lane == 0) {
      const float mean = sum / cols;
      s_sum[0] = mean;
      s_sq[0] = rsqrtf(sq / cols - mean * mean + eps);
      mean_out[row] = mean;
      rstd_out[row] = s_sq[0];
    }
  }
  __syncthreads();
  const float mean = s_sum[0], rstd = s_sq[0];
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    y[(size_t)row * cols + c] = (xr[c] - mean) * rstd * gamma[c] + beta[c];
  }
}

at::Tensor bias_gelu_forward(const at::Tensor& x, const at::Tensor& bias) {
  TORCH_CHECK(torch_npu::utils::is_npu(x) && torch_npu::utils::is_npu(bias), "bias_gelu: inputs must be CUDA tensors");
  const c10_npu::OptionalNPUGuard guard(device_of(x));
  auto xc = x.contiguous();
  auto bc = bias.expand_as(x).contiguous();
  auto y = at::empty_like(xc);
  const int64_t n = xc.numel();
  const int threads = 256;
  const int blocks = std::min<int64_t>((n + threads - 1) / threads, 65535);
  launch_bias_gelu_fwd_kernel(
      xc.data_ptr<float>(), bc.data_ptr<float>(), y.data_ptr<float>(), n);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return y;
}

at::Tensor scaled_residual(const at::Tensor& h, const at::Tensor& residual, double alpha) {
  TORCH_CHECK(torch_npu::utils::is_npu(h.device()), "scaled_residual: h must be on a CUDA device");
  const c10_npu::OptionalNPUGuard guard(device_of(h));
  auto out = at::empty_like(h);
  const int n = h.numel();
  auto stream = c10_npu::getCurrentNPUStream();
  AT_DISPATCH_FLOATING_TYPES_AND_HALF(h.scalar_type(), "scaled_residual", [&] {
    launch_scaled_residual_kernel<scalar_t>(
        h.data_ptr<scalar_t>(), residual.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(),
        static_cast<scalar_t>(alpha), static_cast<scalar_t>(65504.f), n);
  });
  NPU_CHECK_ERROR(aclrtGetLastError(ACL_RT_THREAD_LEVEL));
  return out;
}

std::vector<at::Tensor> layer_norm_forward(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta,
                                           double eps) {
  TORCH_CHECK(torch_npu::utils::is_npu(x), "layer_norm: x must be a CUDA tensor");
  c10_npu::NPUGuard guard(x.device());
  const int cols = x.size(-1);
  const int rows = x.numel() / cols;
  auto y = at::empty_like(x);
  auto mean = at::empty({rows}, x.options());
  auto rstd = at::empty({rows}, x.options());
  aclrtStream stream = c10_npu::getCurrentNPUStream().stream();
  layer_norm_fwd_kernel<4><<<rows, 128, 0, stream>>>(x.data_ptr<float>(), gamma.data_ptr<float>(),
                                                     beta.data_ptr<float>(), y.data_ptr<float>(),
                                                     mean.data_ptr<float>(), rstd.data_ptr<float>(), cols,
                                                     static_cast<float>(eps));
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return {y, mean, rstd};
}

}  // namespace fused
