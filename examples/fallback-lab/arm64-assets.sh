#!/usr/bin/env bash
# fallback-lab, aarch64: assembles (or finds in the cache) what an arm64 guest boots, all from Debian's
# arm64 packages through apt-get download + dpkg -x (no maintainer script runs, nothing else is fetched):
#
#   arm64-assets.sh [--memory 2048] [--install]
#
# prints "name path" lines: kernel, initramfs (busybox + the 9p/overlay modules + guest-init.sh as /init),
# rootfs (JDK 17, strace, bash, coreutils, busybox, shared read-only into the guest over 9p), dtb-normal
# (QEMU's own device tree for these options) and dtb-erratum (the same with the HiSilicon 161010101
# erratum property on /timer, which makes the kernel take the arch timer out of the vDSO).
#
# Cache: ${LAB_ARM64_CACHE:-~/.cache/vdso-agent-lab/aarch64}, each part under a key made of the package
# versions apt resolves now (a newer Debian package means a rebuild), the QEMU version and the scripts.
# Needs: dpkg --add-architecture arm64 && apt-get update (done by --install as root), qemu-system-arm,
# device-tree-compiler, cpio, kmod, xz-utils.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${LAB_ARM64_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vdso-agent-lab/aarch64}
MEMORY=2048
INSTALL=0
# The guest userland: the JDK the agent runs on, strace (the judge), and a shell with its tools.
USERLAND=(openjdk-17-jre-headless strace busybox-static bash coreutils)
# The newest Debian arm64 kernel: this meta-package first (6.12 has both timer errata built in), else the default.
KERNEL_METAS=(${LAB_ARM64_KERNEL_META:-linux-image-6.12-arm64} linux-image-arm64)
MODULES=(9pnet_virtio 9p overlay)
# QEMU's machine: the same options dump the device tree and boot the guest (lab.sh --arch aarch64).
QEMU_MACHINE=(-machine virt -cpu cortex-a72 -accel tcg -smp 1)
TIMER_ERRATUM=hisilicon,erratum-161010101
TIMER_ERRATUM_CONFIG=CONFIG_HISILICON_ERRATUM_161010101

die() { echo "arm64-assets.sh: $*" >&2; exit 125; }
log() { echo "arm64-assets.sh: $*" >&2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --memory) MEMORY=${2:?}; shift 2 ;;
    --install) INSTALL=1; shift ;;
    *) die "unknown option [$1]" ;;
  esac
done
[[ "$MEMORY" =~ ^[0-9]+$ ]] || die "--memory must be MiB [$MEMORY]"

# Debian's arm64 build of everything below; its JDK lives in java-17-openjdk-arm64, its kernel is a vmlinuz.
DEB_ARCH=arm64
KERNEL_FLAVOUR=arm64
KERNEL_FILE=vmlinuz
TOOLS=(qemu-system-aarch64:qemu-system-arm dtc:device-tree-compiler cpio:cpio modinfo:kmod xz:xz-utils)
# shellcheck source=debian-guest-assets.sh
. "$LAB_DIR/debian-guest-assets.sh"

guest_packages
guest_rootfs
guest_kernel
grep -q "^$TIMER_ERRATUM_CONFIG=y" "$BOOT/config" \
  || die "kernel $KVER is built without $TIMER_ERRATUM_CONFIG: the erratum mode cannot fall back"
guest_initramfs

# --- device trees ----------------------------------------------------------------------------------
QEMU_VERSION=$(qemu-system-aarch64 --version | head -n 1)
DTB_KEY=$( (echo "$QEMU_VERSION"; echo "${QEMU_MACHINE[*]} -m $MEMORY $TIMER_ERRATUM"; sha256sum <"${BASH_SOURCE[0]}") | key_of)
DTB=$CACHE/dtb-$DTB_KEY
if [ ! -d "$DTB" ]; then
  staging=$(mktemp -d "$CACHE/staging.XXXXXX")
  machine=("${QEMU_MACHINE[@]}")
  machine[1]="virt,dumpdtb=$staging/normal.dtb"
  qemu-system-aarch64 "${machine[@]}" -m "$MEMORY" -display none -nic none >"$staging/qemu.out" 2>&1 \
    || { cat "$staging/qemu.out" >&2; die "QEMU could not dump its device tree"; }
  dtc -q -I dtb -O dts -o "$staging/normal.dts" "$staging/normal.dtb"
  # The arch timer node is "timer { compatible = "arm,armv8-timer", ...": add the erratum property to it.
  awk -v prop="$TIMER_ERRATUM" '
    { print }
    /^\ttimer \{$/ { print "\t\t" prop ";"; added++ }
    END { if (added != 1) exit 1 }' "$staging/normal.dts" >"$staging/erratum.dts" \
    || { rm -rf "$staging"; die "no single /timer node in QEMU's device tree"; }
  dtc -q -I dts -O dtb -o "$staging/erratum.dtb" "$staging/erratum.dts"
  mv "$staging" "$DTB"
  prune dtb "$DTB_KEY"
fi

echo "qemu-machine ${QEMU_MACHINE[*]}"
echo "kernel $BOOT/vmlinuz"
echo "kernel-version $KVER"
echo "initramfs $INITRAMFS"
echo "rootfs $ROOTFS"
echo "java ${JAVA#"$ROOTFS"}"
echo "dtb-normal $DTB/normal.dtb"
echo "dtb-erratum $DTB/erratum.dtb"
