#!/usr/bin/env python
import glob
import os

from setuptools import find_packages, setup
import torch
from torch_npu.utils.cpp_extension import NpuExtension
import torch_npu
from torch.utils.cpp_extension import CUDA_HOME, BuildExtension, CppExtension, CUDAExtension


def get_extensions():
    this_dir = os.path.dirname(os.path.abspath(__file__))
    extensions_dir = os.path.join(this_dir, "det_ops", "csrc")

    main_source = os.path.join(extensions_dir, "vision.cpp")
    sources = glob.glob(os.path.join(extensions_dir, "*.cpp"))
    source_cuda = glob.glob(os.path.join(extensions_dir, "cuda", "*.cu"))

    extension = CppExtension
    extra_compile_args = {"cxx": []}
    define_macros = []

    if torch.npu.is_available() and CUDA_HOME is not None:
        extension = NpuExtension
        sources += source_cuda
        define_macros += [("WITH_CUDA", None)]
        extra_compile_args["nvcc"] = [
            "-DCUDA_HAS_FP16=1",
            "-D__CUDA_NO_HALF_OPERATORS__",
            "-D__CUDA_NO_HALF_CONVERSIONS__",
            "-D__CUDA_NO_HALF2_OPERATORS__",
        ]

    sources = [main_source] + sources
    include_dirs = [extensions_dir]

    return [
        extension(
            "det_ops._C",
            sources,
            include_dirs=include_dirs,
            define_macros=define_macros,
            extra_compile_args=extra_compile_args,
        )
    ]


setup(
    name="det_ops",
    version="0.3.1",
    description="Detection operators (NMS, RoIAlign, sigmoid focal loss) for PyTorch",
    packages=find_packages(exclude=("tests",)),
    ext_modules=get_extensions(),
    cmdclass={"build_ext": BuildExtension},
)
