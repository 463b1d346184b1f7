#!/bin/sh
# Entry point of the sample target image (under tini): sshd for disk usage, then PostgreSQL as
# usual.
set -eu
/opt/pgmon/sshd-setup.sh
/usr/sbin/sshd -f /etc/ssh/sshd_config
exec docker-entrypoint.sh "$@"
