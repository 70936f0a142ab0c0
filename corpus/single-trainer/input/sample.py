"""
Sample from a trained model.

    python sample.py --out_dir out-char --cuda --num_samples 5
"""
import os
import pickle
import argparse
from contextlib import nullcontext

import torch

from model import GPTConfig, GPT

parser = argparse.ArgumentParser(description='sample from a trained GPT')
parser.add_argument('--out_dir', type=str, default='out')
parser.add_argument("--ckpt", type=str, default="ckpt_cuda.pt", help="checkpoint file inside out_dir")
parser.add_argument('--start', type=str, default='\n', help='prompt text, or FILE:path')
parser.add_argument('--num_samples', type=int, default=3)
parser.add_argument('--max_new_tokens', type=int, default=300)
parser.add_argument('--temperature', type=float, default=0.8)
parser.add_argument('--top_k', type=int, default=200)
parser.add_argument('--seed', type=int, default=1337)
parser.add_argument('--cuda', action='store_true', default=False, help='enables CUDA sampling')
parser.add_argument('--half', action='store_true', help='sample in float16')
args = parser.parse_args()

cuda = args.cuda and torch.cuda.is_available()
if args.cuda and not cuda:
    print("--cuda was given but no device is available, sampling on the CPU")
device = 'cuda' if cuda else 'cpu'
device_type = 'cuda' if 'cuda' in device else 'cpu'

torch.manual_seed(args.seed)
if cuda:
    torch.cuda.manual_seed(args.seed)

ptdtype = torch.float16 if args.half else torch.bfloat16
ctx = nullcontext() if device_type == 'cpu' else torch.amp.autocast(device_type=device_type, dtype=ptdtype)

ckpt_path = os.path.join(args.out_dir, args.ckpt)
checkpoint = torch.load(ckpt_path, map_location=device)
model = GPT(GPTConfig(**checkpoint['model_args']))
state_dict = checkpoint['model']
for k in list(state_dict.keys()):
    if k.startswith('_orig_mod.'):
        state_dict[k[len('_orig_mod.'):]] = state_dict.pop(k)
model.load_state_dict(state_dict)
model.eval()
model.to(device)

meta_path = os.path.join('data', checkpoint['config']['dataset'], 'meta.pkl')
with open(meta_path, 'rb') as f:
    meta = pickle.load(f)
stoi, itos = meta['stoi'], meta['itos']


def encode(s):
    return [stoi[c] for c in s]


def decode(ids):
    return ''.join([itos[i] for i in ids])


start = args.start
if start.startswith('FILE:'):
    with open(start[5:], 'r', encoding='utf-8') as f:
        start = f.read()
x = torch.tensor(encode(start), dtype=torch.long, device=device)[None, ...]

with torch.no_grad():
    with ctx:
        for _ in range(args.num_samples):
            y = model.generate(x, args.max_new_tokens, temperature=args.temperature, top_k=args.top_k)
            print(decode(y[0].tolist()))
            print('---------------')
