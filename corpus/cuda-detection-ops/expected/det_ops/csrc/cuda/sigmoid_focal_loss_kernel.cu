// Sigmoid focal loss (RetinaNet), forward only, in the style of mmcv / maskrcnn-benchmark.
#include <ATen/ATen.h>
#include <torch_npu/csrc/core/npu/NPUStream.h>
#include <torch_npu/csrc/core/npu/NPUGuard.h>
#include <cfloat>

#include "cuda_helpers.cuh"
#include "torch_npu/csrc/core/npu/DeviceUtils.h"
#include "ascendc/sigmoid_kernel_launch.h"

namespace det_ops {

template <typename T>
__global__ void sigmoid_focal_loss_forward_cuda_kernel(const int nthreads, const T* input, const int64_t* target,
                                                       const T* weight, T* output, const T gamma, const T alpha,
                                                       const int num_classes) {
  CUDA_1D_KERNEL_LOOP(index, nthreads) {
    int n = index / num_classes;
    int c = index % num_classes;
    int64_t t = target[n];
    T flag_p = (t == c);
    T flag_n = (t != c);
    T p = (T)1. / ((T)1. + exp(-input[index]));
    T term_p = pow(((T)1. - p), gamma) * log(max(p, (T)FLT_MIN));
    T term_n = pow(p, gamma) * log(max((T)1. - p, (T)FLT_MIN));
    output[index] = (T)0.;
    output[index] += -flag_p * alpha * term_p;
    output[index] += -((T)1. - flag_p) * ((T)1. - alpha) * term_n;
    if (weight != NULL) {
      output[index] *= weight[t];
    }
  }
}

// Elementwise sigmoid used by the loss' probability output.
__global__ void sigmoid_kernel(const float* logits, float* probs, const int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    probs[i] = 1.0f / (1.0f + expf(-logits[i]));
  }
}

at::Tensor sigmoid_focal_loss_forward_cuda(const at::Tensor& input, const at::Tensor& target, double gamma,
                                           double alpha) {
  TORCH_CHECK(torch_npu::utils::is_npu(input), "input must be a CUDA tensor");
  TORCH_CHECK(torch_npu::utils::is_npu(target), "target must be a CUDA tensor");
  c10_npu::OptionalNPUGuard device_guard(input.device());
  at::Tensor output = at::zeros_like(input);
  const int output_size = output.numel();
  const int num_classes = input.size(1);
  at::Tensor weight = at::empty({0}, input.options());
  AT_DISPATCH_FLOATING_TYPES_AND_HALF(input.scalar_type(), "sigmoid_focal_loss_forward", [&] {
    sigmoid_focal_loss_forward_cuda_kernel<scalar_t>
        <<<GET_BLOCKS(output_size), THREADS_PER_BLOCK, 0, c10_npu::getCurrentNPUStream()>>>(
            output_size, input.data_ptr<scalar_t>(), target.data_ptr<int64_t>(), weight.data_ptr<scalar_t>(),
            output.data_ptr<scalar_t>(), gamma, alpha, num_classes);
  });
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return output;
}

at::Tensor sigmoid_cuda(const at::Tensor& logits) {
  TORCH_CHECK(torch_npu::utils::is_npu(logits) && logits.scalar_type() == at::kFloat, "logits must be a float CUDA tensor");
  c10_npu::NPUGuard device_guard(logits.device());
  auto input = logits.contiguous();
  at::Tensor probs = at::empty_like(input);
  const int n = input.numel();
  launch_sigmoid_kernel(
      input.data_ptr<float>(), probs.data_ptr<float>(), n);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return probs;
}

}  // namespace det_ops
