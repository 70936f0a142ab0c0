"""Everything the C++/CUDA rules emit exists in torch_npu 2.14.0: every mapping-table entry of
rules/cuda/*.yaml and every ACL/HCCL/torch_npu name and #include in the corpus outputs and the
generated launchers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrate import tables
from migrate.ruleset import all_rules

ROOT = Path(__file__).resolve().parent.parent
T = tables.load("2.14.0")
# PyTorch's own names (c10/core/DeviceType.h), not torch_npu's: the NPU is the PrivateUse1 backend.
TORCH_OWN = {"at::kPrivateUse1", "c10::kPrivateUse1", "torch::kPrivateUse1", "kPrivateUse1",
             "at::DeviceType::PrivateUse1", "c10::DeviceType::PrivateUse1", "torch::DeviceType::PrivateUse1",
             "DeviceType::PrivateUse1", "PrivateUse1", "AutogradPrivateUse1"}
_NAME = re.compile(r"\b(?:(?:c10_npu|at_npu|torch_npu)(?:::\w+)+|NPU_CHECK_\w+|acl[A-Z]\w*|aclrt\w+|Hccl\w+|ACL_\w+|HCCL_\w+)\b")
_INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]((?:torch_npu|acl|hccl)/[^>"]+)[>"]', re.M)


def exists(name: str) -> bool:
    if name in TORCH_OWN:
        return True
    if "::" in name or name.startswith("NPU_CHECK_"):
        return T.has_cpp(name)
    if name.startswith(("ACL_", "HCCL_")) or name in ("aclError", "aclrtStream", "aclrtEvent", "aclrtContext",
                                                     "aclrtMemcpyKind", "HcclComm", "HcclRootInfo", "HcclResult",
                                                     "HcclDataType", "HcclReduceOp"):
        return T.has_constant(name)
    if name.startswith("Hccl"):
        return T.has_hccl(name) or T.has_constant(name)
    return T.has_acl(name) or T.has_constant(name)


def _emitted_by_rules():
    out = []
    for r in all_rules():
        if "cuda" not in r.languages:
            continue
        o = r.options
        for key in ("headers",):
            for k, v in (o.get(key) or {}).items():
                if v.get("to"):
                    out.append((r.id, k, "header", v["to"]))
        for table in ("names", "calls", "methods"):
            for k, v in (o.get(table) or {}).items():
                v = {"to": v} if isinstance(v, str) else v
                if v.get("to"):
                    out.append((r.id, k, "name", v["to"]))
                for h in v.get("requires", ()):
                    out.append((r.id, k, "header", h))
                for part in ("insert", "append", "prepend", "order", "cast"):
                    val = v.get(part)
                    texts = val.values() if isinstance(val, dict) else (val if isinstance(val, list) else [val])
                    for t in texts:
                        for n in _NAME.findall(str(t or "")):
                            out.append((r.id, k, "name", n))
        for k, v in (o.get("macros") or {}).items():
            for new in v["values"].values():
                out.append((r.id, k, "name", new))
    return out


ENTRIES = _emitted_by_rules()


def test_the_tables_are_not_empty():
    assert len(ENTRIES) > 100
    assert not exists("aclrtMallocManaged") and not exists("HcclAllReduceAvg") and not exists("c10_npu::getCurrentCUDAStream")


@pytest.mark.parametrize("rule,source,kind,target", ENTRIES, ids=[f"{e[0]}:{e[1]}->{e[3]}" for e in ENTRIES])
def test_every_mapping_target_exists(rule, source, kind, target):
    if kind == "header":
        assert T.has_header(target), target
    else:
        assert exists(target), target


def _outputs():
    for case in sorted((ROOT / "corpus").glob("cuda-*")):
        for p in sorted((case / "expected").rglob("*")):
            if p.is_file() and p.suffix in (".cu", ".cuh", ".cpp", ".h", ".hpp"):
                yield p


def test_every_name_and_include_in_the_outputs_exists():
    seen_names, seen_headers = set(), set()
    for p in _outputs():
        text = p.read_text()
        for n in _NAME.findall(text):
            seen_names.add((n, p.relative_to(ROOT).as_posix()))
        for h in _INCLUDE.findall(text):
            seen_headers.add((h, p.relative_to(ROOT).as_posix()))
    missing = sorted((n, f) for n, f in seen_names if not exists(n))
    assert not missing
    assert not sorted((h, f) for h, f in seen_headers if not T.has_header(h))
    # the check covers what the tool really emits
    names = {n for n, _ in seen_names}
    assert {"aclrtMalloc", "aclrtMemcpy", "HcclCommInitRootInfo", "c10_npu::getCurrentNPUStream", "NPU_CHECK_ERROR",
            "torch_npu::utils::is_npu", "aclrtGetDeviceInfo", "c10_npu::NPUCachingAllocator::raw_alloc_with_stream"} <= names


def test_build_rule_target_exists():
    rule = next(r for r in all_rules() if r.id == "cuda-extension")
    assert T.has_python(rule.options["replacement"])
