// Operator registration for det_ops (torch.ops.det_ops.*).
#include <torch/extension.h>
#include <torch/library.h>

namespace det_ops {

#ifdef WITH_CUDA
at::Tensor nms_cuda(const at::Tensor& dets, const at::Tensor& scores, double iou_threshold);
at::Tensor roi_align_forward_cuda(const at::Tensor& input, const at::Tensor& rois, double spatial_scale,
                                  int64_t pooled_height, int64_t pooled_width, int64_t sampling_ratio,
                                  bool aligned);
at::Tensor sigmoid_focal_loss_forward_cuda(const at::Tensor& input, const at::Tensor& target, double gamma,
                                           double alpha);
at::Tensor sigmoid_cuda(const at::Tensor& logits);
#endif

std::string get_compiler_version() { return std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__); }

std::string get_cuda_version() {
#ifdef WITH_CUDA
  return std::to_string(CUDA_VERSION);
#else
  return "not available";
#endif
}

TORCH_LIBRARY(det_ops, m) {
  m.def("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor");
  m.def("roi_align_forward(Tensor input, Tensor rois, float spatial_scale, int pooled_height, int pooled_width, "
        "int sampling_ratio, bool aligned) -> Tensor");
  m.def("sigmoid_focal_loss_forward(Tensor input, Tensor target, float gamma, float alpha) -> Tensor");
  m.def("sigmoid(Tensor logits) -> Tensor");
}

#ifdef WITH_CUDA
TORCH_LIBRARY_IMPL(det_ops, CUDA, m) {
  m.impl("nms", &nms_cuda);
  m.impl("roi_align_forward", &roi_align_forward_cuda);
  m.impl("sigmoid_focal_loss_forward", &sigmoid_focal_loss_forward_cuda);
  m.impl("sigmoid", &sigmoid_cuda);
}
#endif

}  // namespace det_ops

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("get_compiler_version", &det_ops::get_compiler_version, "GCC version");
  m.def("get_cuda_version", &det_ops::get_cuda_version, "CUDA version");
}
