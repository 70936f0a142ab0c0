"""
Minimal config override helper, exec'd from inside train.py and sample.py.

    python train.py config/override_file.py --batch_size=32

The first kind of argument names a Python file whose assignments replace the
defaults; the second kind (--key=value) overrides a single global. Values are
parsed with ast.literal_eval, and anything that does not parse is kept as a
string. This is not elegant, but it avoids prefixing config.* everywhere.
"""

import sys
from ast import literal_eval

for arg in sys.argv[1:]:
    if '=' not in arg:
        # assume it is the name of a config file
        assert not arg.startswith('--')
        config_file = arg
        print(f"Overriding config with {config_file}:")
        with open(config_file) as f:
            print(f.read())
        exec(open(config_file).read())
    else:
        assert arg.startswith('--')
        key, val = arg.split('=', 1)
        key = key[2:]
        if key in globals():
            try:
                attempt = literal_eval(val)
            except (SyntaxError, ValueError):
                attempt = val
            assert type(attempt) == type(globals()[key]), f"type mismatch for {key}"
            print(f"Overriding: {key} = {attempt}")
            globals()[key] = attempt
        else:
            raise ValueError(f"Unknown config key: {key}")
