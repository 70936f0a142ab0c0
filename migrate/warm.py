"""Imported once by the worker pool's fork server (runner.start_pool): migrating one small file
loads what every worker needs (the rules, the default torch_npu API table, the Python parser and
its compiled queries). Workers are forked from the server, so each starts with them instead of
loading them again on its first file."""

from migrate.core import migrate_file
from migrate.settings import Settings

migrate_file("warm.py", b"import torch\n\nx = torch.ones(2).cuda()\ntorch.cuda.synchronize()\n", Settings())
