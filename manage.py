#!/usr/bin/env python
import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    # A checkout with no .env and no DEBUG in the environment is a developer's machine:
    # commands run there in development mode. A deployment always says DEBUG (its .env, or
    # the compose file's env_file), and then the production settings' checks apply.
    if "DEBUG" not in os.environ and not (Path(__file__).resolve().parent / ".env").exists():
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
