#!/usr/bin/env python
import os
import sys

# Commands that read only the code, serve nothing and use no secret: a developer's or a linter's
# `makemigrations --check` runs without a production configuration. Every other command (runserver,
# migrate, check --deploy, the workers) still refuses the built-in key when DEBUG is off.
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
