#!/usr/bin/env bash
# Starts Debian's libvirtd (9.0) with its QEMU driver as the oracle the differential tests and the
# bench compare with, idempotently: nothing is done when `virsh -c qemu:///system` already answers.
# Needs root and the packages libvirt-daemon, libvirt-daemon-driver-qemu and libvirt-clients.
set -euo pipefail
# Only answers count: a socket file may be left over from a machine's earlier run, and a process
# named virtlogd may be a session daemon's own (spawned by a private per-user libvirtd).
logd_answers() { nc -zU /run/libvirt/virtlogd-sock 2>/dev/null; }
answers() { logd_answers && virsh -q -c qemu:///system uri >/dev/null 2>&1; }
answers && exit 0
[ "$(id -u)" -eq 0 ] || { echo "libvirtd-up: needs root" >&2; exit 1; }
command -v libvirtd >/dev/null || { echo "libvirtd-up: libvirt-daemon-driver-qemu is not installed" >&2; exit 1; }
exec 9>/run/tsvirt-libvirtd-up.lock
flock 9
answers && exit 0
# Debian's libvirtd resolves its built-in user and group (libvirt-qemu) before reading qemu.conf.
getent group kvm >/dev/null || groupadd -r kvm
getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
id libvirt-qemu >/dev/null 2>&1 || useradd -r -g kvm -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
mkdir -p /var/log/libvirt/qemu /var/lib/libvirt/qemu /etc/libvirt
# Root-owned QEMU without confinement: containers have no cgroup controllers, AppArmor or SELinux to give it.
cat >/etc/libvirt/qemu.conf <<'CONF'
user = "root"
group = "root"
security_driver = "none"
dynamic_ownership = 0
cgroup_controllers = [ ]
CONF
if ! logd_answers; then
  # a system virtlogd that holds its pid file but no longer answers is replaced
  pid=$(cat /run/virtlogd.pid 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && sleep 0.5
  virtlogd -d 9>&-
fi
# The system socket may be left over from a libvirtd that is gone (another test's, an earlier boot's):
# only an answer counts. A second system instance fails on its pid file lock, harmlessly.
libvirtd -d 9>&- || true
for _ in $(seq 1 100); do
  answers && exit 0
  sleep 0.1
done
echo "libvirtd-up: libvirtd does not answer on qemu:///system" >&2
exit 1
