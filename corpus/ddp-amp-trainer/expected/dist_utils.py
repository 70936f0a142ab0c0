"""Helpers for multi-process training: environment, optional apex, model wrapping."""
import os

import torch as th
import torch_npu

try:
    import apex
    from apex import amp
    from apex.optimizers import FusedAdam
    HAS_APEX = True
except ImportError:
    apex = None
    amp = None
    FusedAdam = None
    HAS_APEX = False


def setup_env(args):
    """Set communication defaults before any process group is created."""
    os.environ.setdefault("NCCL_DEBUG", "WARN")
    os.environ['HCCL_SOCKET_IFNAME'] = os.environ.get("TRAIN_IFNAME", "eth0")
    os.environ.setdefault('MASTER_ADDR', '127.0.0.1')
    os.environ.setdefault('MASTER_PORT', '29500')
    if args.gpu is not None and args.multiprocessing_distributed:
        raise ValueError("--gpu and --multiprocessing-distributed are mutually exclusive")


def visible_devices():
    """Device ids this process may use, honouring the visibility mask."""
    mask = os.environ.get('ASCEND_RT_VISIBLE_DEVICES')
    if mask:
        return [int(d) for d in mask.split(',') if d.strip()]
    return list(range(th.npu.device_count()))


def restrict_devices(ids):
    os.environ["ASCEND_RT_VISIBLE_DEVICES"] = ",".join(str(i) for i in ids)


def wrap_model(model, args):
    """Wrap a model that already lives on its device for data-parallel training."""
    if args.apex and HAS_APEX:
        return apex.parallel.DistributedDataParallel(model, delay_allreduce=True)
    return th.nn.parallel.DistributedDataParallel(model, device_ids=[args.gpu])


def reduce_mean(t, world_size):
    rt = t.clone()
    th.distributed.all_reduce(rt, op=th.distributed.ReduceOp.SUM)
    return rt / world_size
