"""In-place residual add as a Triton kernel (x += y), with a PyTorch fallback."""

import torch

try:
    import triton
    import triton.language as tl
    HAS_TRITON = True
except ImportError:
    HAS_TRITON = False


if HAS_TRITON:

    @triton.jit
    def _residual_add_kernel(x_ptr, y_ptr, n_elements, BLOCK: tl.constexpr):
        pid = tl.program_id(axis=0)
        offsets = pid * BLOCK + tl.arange(0, BLOCK)
        mask = offsets < n_elements
        x = tl.load(x_ptr + offsets, mask=mask)
        y = tl.load(y_ptr + offsets, mask=mask)
        tl.store(x_ptr + offsets, x + y, mask=mask)


def residual_add_(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    if not (HAS_TRITON and x.is_cuda and x.is_contiguous() and y.is_contiguous()):
        return x.add_(y)
    n = x.numel()
    grid = lambda meta: (triton.cdiv(n, meta["BLOCK"]),)
    _residual_add_kernel[grid](x, y, n, BLOCK=1024)
    return x


if __name__ == "__main__":
    a = torch.randn(98432, device='cuda')
    b = torch.randn(98432, device='cuda')
    expected = a + b
    residual_add_(a, b)
    torch.testing.assert_close(a, expected)
    print("ok")
