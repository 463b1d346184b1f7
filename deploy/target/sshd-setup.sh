#!/bin/sh
# Prepares sshd for pgmon's disk-usage reads: a password user that can only log in, host keys,
# and an sshd_config. Used by the target image at start; also runnable on a host (paths by env).
#   SSH_USER (default monitor), SSH_PASSWORD (required), SSHD_DIR (default /etc/ssh),
#   SSHD_PORT (default 22)
set -eu
user="${SSH_USER:-monitor}"
password="${SSH_PASSWORD:?SSH_PASSWORD is required}"
dir="${SSHD_DIR:-/etc/ssh}"
port="${SSHD_PORT:-22}"

if ! id "$user" >/dev/null 2>&1; then
  useradd --no-create-home --home-dir /nonexistent --shell /bin/sh "$user"
fi
printf '%s:%s\n' "$user" "$password" | chpasswd
mkdir -p "$dir" /run/sshd
[ -f "$dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/ssh_host_ed25519_key"
cat > "$dir/sshd_config" <<CONFIG
Port $port
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $user
UsePAM no
X11Forwarding no
AllowTcpForwarding no
Subsystem sftp internal-sftp
CONFIG
/usr/sbin/sshd -t -f "$dir/sshd_config"
echo "sshd configured for $user on port $port"
