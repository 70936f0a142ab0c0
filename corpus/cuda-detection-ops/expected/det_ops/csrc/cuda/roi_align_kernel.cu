// RoIAlign forward/backward (Mask R-CNN), in the style of detectron2 / torchvision.
#include <ATen/ATen.h>
#include <torch_npu/csrc/core/npu/NPUStream.h>
#include <torch_npu/csrc/core/npu/NPUGuard.h>
#include <ATen/cuda/Atomic.cuh>

#include "cuda_helpers.cuh"
#include "acl/acl.h"
#include "torch_npu/csrc/core/npu/NPUException.h"

namespace det_ops {

template <typename T>
__device__ T bilinear_interpolate(const T* input, int height, int width, T y, T x) {
  if (y < -1.0 || y > height || x < -1.0 || x > width) {
    return 0;
  }
  if (y <= 0) y = 0;
  if (x <= 0) x = 0;
  int y_low = (int)y;
  int x_low = (int)x;
  int y_high;
  int x_high;
  if (y_low >= height - 1) {
    y_high = y_low = height - 1;
    y = (T)y_low;
  } else {
    y_high = y_low + 1;
  }
  if (x_low >= width - 1) {
    x_high = x_low = width - 1;
    x = (T)x_low;
  } else {
    x_high = x_low + 1;
  }
  T ly = y - y_low;
  T lx = x - x_low;
  T hy = 1. - ly, hx = 1. - lx;
  T v1 = input[y_low * width + x_low];
  T v2 = input[y_low * width + x_high];
  T v3 = input[y_high * width + x_low];
  T v4 = input[y_high * width + x_high];
  T w1 = hy * hx, w2 = hy * lx, w3 = ly * hx, w4 = ly * lx;
  return w1 * v1 + w2 * v2 + w3 * v3 + w4 * v4;
}

template <typename T>
__global__ void roi_align_forward_kernel(int nthreads, const T* input, const T spatial_scale, int channels,
                                         int height, int width, int pooled_height, int pooled_width,
                                         int sampling_ratio, bool aligned, const T* rois, T* output) {
  CUDA_1D_KERNEL_LOOP(index, nthreads) {
    int pw = index % pooled_width;
    int ph = (index / pooled_width) % pooled_height;
    int c = (index / pooled_width / pooled_height) % channels;
    int n = index / pooled_width / pooled_height / channels;

    const T* offset_rois = rois + n * 5;
    int roi_batch_ind = offset_rois[0];
    T offset = aligned ? (T)0.5 : (T)0.0;
    T roi_start_w = offset_rois[1] * spatial_scale - offset;
    T roi_start_h = offset_rois[2] * spatial_scale - offset;
    T roi_end_w = offset_rois[3] * spatial_scale - offset;
    T roi_end_h = offset_rois[4] * spatial_scale - offset;
    T roi_width = roi_end_w - roi_start_w;
    T roi_height = roi_end_h - roi_start_h;
    if (!aligned) {
      roi_width = max(roi_width, (T)1.);
      roi_height = max(roi_height, (T)1.);
    }
    T bin_size_h = static_cast<T>(roi_height) / static_cast<T>(pooled_height);
    T bin_size_w = static_cast<T>(roi_width) / static_cast<T>(pooled_width);
    const T* offset_input = input + (roi_batch_ind * channels + c) * height * width;
    int roi_bin_grid_h = (sampling_ratio > 0) ? sampling_ratio : ceil(roi_height / pooled_height);
    int roi_bin_grid_w = (sampling_ratio > 0) ? sampling_ratio : ceil(roi_width / pooled_width);
    const T count = max(roi_bin_grid_h * roi_bin_grid_w, 1);
    T output_val = 0.;
    for (int iy = 0; iy < roi_bin_grid_h; iy++) {
      const T y = roi_start_h + ph * bin_size_h + static_cast<T>(iy + .5f) * bin_size_h / static_cast<T>(roi_bin_grid_h);
      for (int ix = 0; ix < roi_bin_grid_w; ix++) {
        const T x = roi_start_w + pw * bin_size_w + static_cast<T>(ix + .5f) * bin_size_w / static_cast<T>(roi_bin_grid_w);
        output_val += bilinear_interpolate(offset_input, height, width, y, x);
      }
    }
    output[index] = output_val / count;
  }
}

template <typename T>
__global__ void roi_align_backward_kernel(int nthreads, const T* grad_output, const T spatial_scale, int channels,
                                          int height, int width, int pooled_height, int pooled_width,
                                          int sampling_ratio, bool aligned, T* grad_input, const T* rois) {
  CUDA_1D_KERNEL_LOOP(index, nthreads) {
    int pw = index % pooled_width;
    int ph = (index / pooled_width) % pooled_height;
    int c = (index / pooled_width / pooled_height) % channels;
    int n = index / pooled_width / pooled_height / channels;
    const T* offset_rois = rois + n * 5;
    int roi_batch_ind = offset_rois[0];
    T offset = aligned ? (T)0.5 : (T)0.0;
    T roi_start_w = offset_rois[1] * spatial_scale - offset;
    T roi_start_h = offset_rois[2] * spatial_scale - offset;
    T bin_size_h = (offset_rois[4] * spatial_scale - offset - roi_start_h) / static_cast<T>(pooled_height);
    T bin_size_w = (offset_rois[3] * spatial_scale - offset - roi_start_w) / static_cast<T>(pooled_width);
    T* offset_grad_input = grad_input + ((roi_batch_ind * channels + c) * height * width);
    const T grad = grad_output[index];
    const T y = roi_start_h + (ph + .5f) * bin_size_h;
    const T x = roi_start_w + (pw + .5f) * bin_size_w;
    int y_low = (int)y, x_low = (int)x;
    if (y_low >= 0 && x_low >= 0 && y_low < height && x_low < width) {
      gpuAtomicAdd(offset_grad_input + y_low * width + x_low, grad);
    }
  }
}

at::Tensor roi_align_forward_cuda(const at::Tensor& input, const at::Tensor& rois, double spatial_scale,
                                  int64_t pooled_height, int64_t pooled_width, int64_t sampling_ratio,
                                  bool aligned) {
  CHECK_INPUT(input);
  CHECK_INPUT(rois);
  c10_npu::NPUGuard device_guard(input.device());

  auto num_rois = rois.size(0);
  auto channels = input.size(1);
  auto height = input.size(2);
  auto width = input.size(3);

  at::Tensor output = at::zeros({num_rois, channels, pooled_height, pooled_width}, input.options());
  auto output_size = num_rois * pooled_height * pooled_width * channels;
  aclrtStream stream = c10_npu::getCurrentNPUStream();

  if (output.numel() == 0) {
    NPU_CHECK_ERROR(aclrtGetLastError(ACL_RT_THREAD_LEVEL));
    return output;
  }

  AT_DISPATCH_FLOATING_TYPES_AND_HALF(input.scalar_type(), "roi_align_forward", [&] {
    roi_align_forward_kernel<scalar_t><<<GET_BLOCKS(output_size), THREADS_PER_BLOCK, 0, stream>>>(
        output_size, input.contiguous().data_ptr<scalar_t>(), spatial_scale, channels, height, width,
        pooled_height, pooled_width, sampling_ratio, aligned, rois.contiguous().data_ptr<scalar_t>(),
        output.data_ptr<scalar_t>());
  });
  NPU_CHECK_ERROR(aclrtGetLastError(ACL_RT_THREAD_LEVEL));
  return output;
}

at::Tensor roi_align_backward_cuda(const at::Tensor& grad, const at::Tensor& rois, double spatial_scale,
                                   int64_t pooled_height, int64_t pooled_width, int64_t batch_size,
                                   int64_t channels, int64_t height, int64_t width, int64_t sampling_ratio,
                                   bool aligned) {
  CHECK_INPUT(grad);
  CHECK_INPUT(rois);
  c10_npu::NPUGuard device_guard(grad.device());
  at::Tensor grad_input = at::zeros({batch_size, channels, height, width}, grad.options());
  aclrtStream stream = c10_npu::getCurrentNPUStream();
  AT_DISPATCH_FLOATING_TYPES_AND_HALF(grad.scalar_type(), "roi_align_backward", [&] {
    roi_align_backward_kernel<scalar_t><<<GET_BLOCKS(grad.numel()), THREADS_PER_BLOCK, 0, stream>>>(
        grad.numel(), grad.data_ptr<scalar_t>(), spatial_scale, channels, height, width, pooled_height,
        pooled_width, sampling_ratio, aligned, grad_input.data_ptr<scalar_t>(), rois.contiguous().data_ptr<scalar_t>());
  });
  NPU_CHECK_ERROR(aclrtGetLastError(ACL_RT_THREAD_LEVEL));
  return grad_input;
}

}  // namespace det_ops
