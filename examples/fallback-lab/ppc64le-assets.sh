#!/usr/bin/env bash
# fallback-lab, ppc64le: assembles (or finds in the cache) what a ppc64le guest boots, all from Debian's
# ppc64el packages through apt-get download + dpkg -x (no maintainer script runs, nothing else is fetched):
#
#   ppc64le-assets.sh [--install]
#
# prints "name path" lines: kernel (the ELF vmlinux QEMU's Virtual Open Firmware loads), initramfs
# (busybox + the 9p/overlay modules + guest-init.sh as /init), rootfs (JDK 17, strace, bash, coreutils,
# busybox, shared read-only into the guest over 9p) and the QEMU machine options.
#
# Cache: ${LAB_PPC64LE_CACHE:-~/.cache/vdso-agent-lab/ppc64le}, each part under a key made of the package
# versions apt resolves now (a newer Debian package means a rebuild) and the scripts.
# Needs: dpkg --add-architecture ppc64el && apt-get update (done by --install as root), qemu-system-ppc,
# cpio, kmod, xz-utils.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${LAB_PPC64LE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vdso-agent-lab/ppc64le}
INSTALL=0
# The guest userland: the JDK the agent runs on, strace (the judge), and a shell with its tools.
USERLAND=(openjdk-17-jre-headless strace busybox-static bash coreutils)
# Debian's default ppc64el kernel (6.1 on Debian 12, 64k pages, an ELF vmlinux).
KERNEL_METAS=(${LAB_PPC64LE_KERNEL_META:-linux-image-powerpc64le})
# virtio, virtio_ring and virtio_pci are modules in the ppc64el kernel (built in on arm64).
MODULES=(virtio_pci 9pnet_virtio 9p overlay)
# QEMU's machine (lab.sh --arch ppc64le): pseries with the Virtual Open Firmware (boots in seconds, SLOF
# takes much longer under TCG); the console is hvc0.
QEMU_MACHINE=(-machine pseries,x-vof=on -cpu POWER9 -accel tcg -smp 1)

die() { echo "ppc64le-assets.sh: $*" >&2; exit 125; }
log() { echo "ppc64le-assets.sh: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --install) INSTALL=1; shift ;;
    *) die "unknown option [$1]" ;;
  esac
done

# Debian's ppc64el build of everything below; its JDK lives in java-17-openjdk-ppc64el, its kernel is an
# ELF vmlinux.
DEB_ARCH=ppc64el
KERNEL_FLAVOUR=powerpc64le
KERNEL_FILE=vmlinux
TOOLS=(qemu-system-ppc64:qemu-system-ppc cpio:cpio modinfo:kmod xz:xz-utils)
# shellcheck source=debian-guest-assets.sh
. "$LAB_DIR/debian-guest-assets.sh"

guest_packages
guest_rootfs
guest_kernel
guest_initramfs

echo "qemu-machine ${QEMU_MACHINE[*]}"
echo "kernel $BOOT/vmlinux"
echo "kernel-version $KVER"
echo "initramfs $INITRAMFS"
echo "rootfs $ROOTFS"
echo "java ${JAVA#"$ROOTFS"}"
