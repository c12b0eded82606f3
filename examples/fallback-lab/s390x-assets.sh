#!/usr/bin/env bash
# fallback-lab, s390x: assembles (or finds in the cache) what an s390x (IBM Z) guest boots, all from Debian's
# s390x packages through apt-get download + dpkg -x (no maintainer script runs, nothing else is fetched):
#
#   s390x-assets.sh [--install]
#
# prints "name path" lines: kernel (the vmlinuz QEMU's s390-ccw-virtio machine loads with -kernel),
# initramfs (busybox + the 9p/overlay modules + guest-init.sh as /init), rootfs (JDK 17, strace, bash,
# coreutils, busybox, shared read-only into the guest over 9p on virtio-ccw) and the QEMU machine options.
#
# Cache: ${LAB_S390X_CACHE:-~/.cache/vdso-agent-lab/s390x}, each part under a key made of the package
# versions apt resolves now (a newer Debian package means a rebuild) and the scripts.
# Needs: dpkg --add-architecture s390x && apt-get update (done by --install as root), qemu-system-misc,
# cpio, kmod, xz-utils.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${LAB_S390X_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vdso-agent-lab/s390x}
INSTALL=0
# The guest userland: the JDK the agent runs on, strace (the judge), and a shell with its tools.
USERLAND=(openjdk-17-jre-headless strace busybox-static bash coreutils)
# Debian's default s390x kernel (6.1 on Debian 12).
KERNEL_METAS=(${LAB_S390X_KERNEL_META:-linux-image-s390x})
# virtio_ccw is built in (CONFIG_S390_GUEST=y): no PCI on this machine, 9p rides on channel I/O.
MODULES=(9pnet_virtio 9p overlay)
# QEMU's machine (lab.sh --arch s390x): the only s390x machine; its console is the SCLP VT220 (ttysclp0).
QEMU_MACHINE=(-machine s390-ccw-virtio -cpu max -accel tcg -smp 1)

die() { echo "s390x-assets.sh: $*" >&2; exit 125; }
log() { echo "s390x-assets.sh: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --install) INSTALL=1; shift ;;
    *) die "unknown option [$1]" ;;
  esac
done

# Debian's s390x build of everything below; its JDK lives in java-17-openjdk-s390x, its kernel is a vmlinuz.
DEB_ARCH=s390x
KERNEL_FLAVOUR=s390x
KERNEL_FILE=vmlinuz
TOOLS=(qemu-system-s390x:qemu-system-misc cpio:cpio modinfo:kmod xz:xz-utils)
# shellcheck source=debian-guest-assets.sh
. "$LAB_DIR/debian-guest-assets.sh"

guest_packages
guest_rootfs
guest_kernel
guest_initramfs

echo "qemu-machine ${QEMU_MACHINE[*]}"
echo "kernel $BOOT/vmlinuz"
echo "kernel-version $KVER"
echo "initramfs $INITRAMFS"
echo "rootfs $ROOTFS"
echo "java ${JAVA#"$ROOTFS"}"
