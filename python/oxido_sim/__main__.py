"""``python -m oxido_sim``: run the bundled ``oxido-sim`` binary with the same arguments."""

import os
import sys

from oxido_sim import find_binary


def main():
    binary = find_binary()
    if os.name == "posix":
        # Replace this process, so signals (Ctrl-C, SIGTERM) reach the emulator directly.
        os.execv(binary, [binary] + sys.argv[1:])
    import subprocess

    sys.exit(subprocess.call([binary] + sys.argv[1:]))


if __name__ == "__main__":
    main()
