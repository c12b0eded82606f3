#!/usr/bin/env bash
# fallback-lab, riscv64: assembles (or finds in the cache) what a riscv64 guest boots, all from Debian 13
# (trixie) riscv64 packages through apt-get download + dpkg -x (no maintainer script runs, nothing else is
# fetched). Debian 12, the host's release, has no riscv64 build: the guest's packages come from an apt of
# its own under the cache (debian-guest-assets.sh, DEB_SUITE), which leaves the host's apt as it is.
#
#   riscv64-assets.sh
#
# prints "name path" lines: kernel (the Image QEMU's virt machine starts through OpenSBI with -kernel),
# initramfs (busybox + the 9p/overlay modules + guest-init.sh as /init), rootfs (JDK 25 and 21, strace, bash,
# coreutils, busybox, shared read-only into the guest over virtio-9p-pci) and the QEMU machine options.
#
# Cache: ${LAB_RISCV64_CACHE:-~/.cache/vdso-agent-lab/riscv64}, each part under a key made of the package
# versions apt resolves now (a newer Debian package means a rebuild) and the scripts; trixie's package
# lists are fetched again when a day old.
# Needs: qemu-system-misc (qemu-system-riscv64, with OpenSBI's fw_dynamic from qemu-system-data),
# debian-archive-keyring, cpio, kmod, xz-utils.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${LAB_RISCV64_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vdso-agent-lab/riscv64}
INSTALL=0
# The guest userland: the JDKs the agent runs on (25: the agent binds libc through FFM; 21, Debian 13's
# default: through jnr-ffi and jffi's riscv64 stub), strace (the judge), and a shell with its tools.
USERLAND=(openjdk-25-jre-headless openjdk-21-jre-headless strace busybox-static bash coreutils)
JDK=java-25-openjdk
# Debian's default riscv64 kernel (6.12 on Debian 13).
KERNEL_METAS=(${LAB_RISCV64_KERNEL_META:-linux-image-riscv64})
MODULES=(virtio_pci 9pnet_virtio 9p overlay)
# QEMU's machine (lab.sh --arch riscv64): virt with QEMU's own OpenSBI (-bios default), which hands the
# kernel a device tree; its console is the 16550 UART (ttyS0).
QEMU_MACHINE=(-machine virt -cpu rv64 -accel tcg -smp 1 -bios default)

die() { echo "riscv64-assets.sh: $*" >&2; exit 125; }
log() { echo "riscv64-assets.sh: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --install) INSTALL=1; shift ;;
    *) die "unknown option [$1]" ;;
  esac
done

DEB_ARCH=riscv64
DEB_SUITE=trixie
KERNEL_FLAVOUR=riscv64
KERNEL_FILE=vmlinux
TOOLS=(qemu-system-riscv64:qemu-system-misc cpio:cpio modinfo:kmod xz:xz-utils)
# shellcheck source=debian-guest-assets.sh
. "$LAB_DIR/debian-guest-assets.sh"

guest_packages
guest_rootfs
guest_kernel
guest_initramfs

echo "qemu-machine ${QEMU_MACHINE[*]}"
echo "kernel $BOOT/$KERNEL_FILE"
echo "kernel-version $KVER"
echo "initramfs $INITRAMFS"
echo "rootfs $ROOTFS"
echo "java ${JAVA#"$ROOTFS"}"
[ -x "$ROOTFS/usr/lib/jvm/java-21-openjdk-$DEB_ARCH/bin/java" ] || die "no java-21-openjdk in $ROOTFS"
echo "java21 /usr/lib/jvm/java-21-openjdk-$DEB_ARCH/bin/java"
