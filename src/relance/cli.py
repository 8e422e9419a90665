"""The `relance` command: Django's management commands under one name.

`relance import ledger DIR`, `relance demo`, `relance serve`, `relance createuser`,
`relance migrate`... are management commands of the apps; this entry point only
prepares RELANCE_HOME and hands over to Django.
"""
import os
import sys


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    from relance import env

    env.prepare_home(env.home())
    from django.core.management import execute_from_command_line

    execute_from_command_line(["relance", *argv])


if __name__ == "__main__":
    main()
