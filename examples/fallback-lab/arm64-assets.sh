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

# apt as if this were an arm64 machine with nothing installed: resolves the whole dependency closure
# (no recommends) without looking at, or touching, the host's own packages.
EMPTY_STATUS=$(mktemp)
trap 'rm -f "$EMPTY_STATUS"' EXIT
APT_ARM64=(-o Dir::State::status="$EMPTY_STATUS" -o APT::Architecture=arm64 -o APT::Architectures::=arm64
           -o APT::Install-Recommends=false -o APT::Install-Suggests=false)
[ "$(id -u)" = 0 ] && APT_ARM64+=(-o APT::Sandbox::User=root)

# (Output captured first: grep -q ending a pipe early would fail it under pipefail.)
arm64_ready() {
  local policy
  policy=$(apt-cache "${APT_ARM64[@]}" policy busybox-static 2>/dev/null || true)
  [[ "$policy" == *"Candidate: "[0-9]* ]]
}
require_arm64_apt() {
  arm64_ready && return 0
  if [ "$INSTALL" = 1 ] && [ "$(id -u)" = 0 ]; then
    log "adding the arm64 architecture to apt (dpkg --add-architecture arm64; apt-get update)"
    dpkg --add-architecture arm64
    apt-get update -q -o DPkg::Lock::Timeout=300 >&2
  fi
  arm64_ready || die "apt knows no arm64 packages: dpkg --add-architecture arm64 && apt-get update (or run as root with --install)"
}
for tool in qemu-system-aarch64:qemu-system-arm dtc:device-tree-compiler cpio:cpio modinfo:kmod xz:xz-utils; do
  command -v "${tool%%:*}" >/dev/null || [ -x "/sbin/${tool%%:*}" ] || die "missing Debian package ${tool#*:}"
done
PATH=$PATH:/sbin:/usr/sbin

# "name version arch" per package apt would install for these names, sorted.
closure() {
  apt-get -s "${APT_ARM64[@]}" install "$@" 2>/dev/null \
    | sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*\[\(arm64\|all\)\]).*/\1 \2 \3/p' | LC_ALL=C sort
}

key_of() { sha256sum | cut -c1-16; }

# Downloads what is missing into $CACHE/debs (apt checks each file against the signed archive index).
download() { # lines "name version arch" on stdin
  local name version arch file want=()
  mkdir -p "$CACHE/debs"
  while read -r name version arch; do
    file="$CACHE/debs/${name}_${version//:/%3a}_${arch}.deb"
    [ -s "$file" ] || want+=("$name:$arch=$version")
  done
  [ ${#want[@]} -eq 0 ] && return 0
  log "downloading ${#want[@]} Debian arm64 package(s)"
  (cd "$CACHE/debs" && apt-get "${APT_ARM64[@]}" download "${want[@]}" >/dev/null) || die "apt-get download failed"
}

deb_file() { echo "$CACHE/debs/${1}_${2//:/%3a}_${3}.deb"; }

# Replaces the older entries of one kind once a new one is complete.
prune() { # kind keep
  local old
  for old in "$CACHE/$1"-*; do
    [ -e "$old" ] && [ "$old" != "$CACHE/$1-$2" ] && rm -rf "$old"
  done
  return 0
}

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock -w 900 9 || die "another build holds $CACHE/.lock"

# --- which packages --------------------------------------------------------------------------------
# apt's answer changes only with its package lists (apt-get update) or this script: remember it per
# state of both, which saves the seconds each apt resolution costs on every boot.
RESOLVED=$CACHE/resolved-$( (dpkg --print-foreign-architectures; sha256sum <"${BASH_SOURCE[0]}"
  stat -c '%n %s %Y' /var/lib/apt/lists/* 2>/dev/null) | key_of)
if [ -s "$RESOLVED" ]; then
  USER_CLOSURE=$(sed -n 's/^user //p' "$RESOLVED")
  KERNEL_PKG=$(sed -n 's/^kernel //p' "$RESOLVED")
else
  require_arm64_apt
  USER_CLOSURE=$(closure "${USERLAND[@]}")
  [ -n "$USER_CLOSURE" ] || die "apt resolved nothing for ${USERLAND[*]} (arm64)"
  # The newest concrete kernel package behind the first meta-package apt knows.
  KERNEL_PKG=
  for meta in "${KERNEL_METAS[@]}"; do
    KERNEL_PKG=$(closure "$meta" | awk '!found && $1 ~ /^linux-image-[0-9]+\.[0-9]+\.[0-9]+.*-arm64$/ { print; found = 1 }')
    [ -n "$KERNEL_PKG" ] && break
  done
  [ -n "$KERNEL_PKG" ] || die "no arm64 kernel package found (tried ${KERNEL_METAS[*]})"
  rm -f "$CACHE"/resolved-*
  { sed 's/^/user /' <<<"$USER_CLOSURE"; echo "kernel $KERNEL_PKG"; } >"$RESOLVED.tmp"
  mv "$RESOLVED.tmp" "$RESOLVED"
fi

# --- userland ------------------------------------------------------------------------------------
ROOTFS_KEY=$( (echo "$USER_CLOSURE"; sha256sum <"${BASH_SOURCE[0]}") | key_of)
ROOTFS=$CACHE/rootfs-$ROOTFS_KEY
if [ ! -d "$ROOTFS" ]; then
  echo "$USER_CLOSURE" | download
  log "assembling the arm64 rootfs from $(echo "$USER_CLOSURE" | wc -l) packages"
  staging=$(mktemp -d "$CACHE/staging.XXXXXX")
  while read -r name version arch; do
    dpkg -x "$(deb_file "$name" "$version" "$arch")" "$staging" || { rm -rf "$staging"; die "dpkg -x $name failed"; }
  done <<<"$USER_CLOSURE"
  echo "$USER_CLOSURE" >"$staging/.lab-packages"
  mkdir -p "$staging"/{proc,sys,dev,run,root,tmp,var/tmp}
  chmod 1777 "$staging/tmp" "$staging/var/tmp"
  # What base-passwd's postinst would write; the JVM looks its user up.
  echo 'root:x:0:0:root:/root:/bin/bash' >"$staging/etc/passwd"
  echo 'root:x:0:' >"$staging/etc/group"
  mv "$staging" "$ROOTFS"
  prune rootfs "$ROOTFS_KEY"
fi
JAVA=$(ls -d "$ROOTFS"/usr/lib/jvm/java-17-openjdk-arm64/bin/java 2>/dev/null) || die "no JDK 17 in $ROOTFS"
[ -x "$ROOTFS/bin/busybox" ] || die "no busybox in $ROOTFS"

# --- kernel and initramfs --------------------------------------------------------------------------
read -r kname kversion karch <<<"$KERNEL_PKG"
KVER=${kname#linux-image-}
BOOT_KEY=$( (echo "$KERNEL_PKG"; echo "${MODULES[*]}"; sha256sum <"${BASH_SOURCE[0]}") | key_of)
BOOT=$CACHE/kernel-$BOOT_KEY
if [ ! -d "$BOOT" ]; then
  echo "$KERNEL_PKG" | download
  log "unpacking kernel $KVER"
  staging=$(mktemp -d "$CACHE/staging.XXXXXX")
  dpkg -x "$(deb_file "$kname" "$kversion" "$karch")" "$staging/deb"
  mkdir -p "$staging/modules"
  cp "$staging/deb/boot/vmlinuz-$KVER" "$staging/vmlinuz"
  cp "$staging/deb/boot/config-$KVER" "$staging/config"
  # The modules the guest loads, dependencies first (modinfo -F depends of each file, recursively).
  declare -A seen=()
  add_module() {
    local m=$1 file dep
    [ -n "${seen[$m]:-}" ] && return 0
    seen[$m]=1
    file=$(find "$staging/deb/lib/modules/$KVER" -name "$m.ko*" | head -n 1)
    if [ -z "$file" ]; then
      grep -q "/${m//_/[_-]}\.ko" "$staging/deb/lib/modules/$KVER/modules.builtin" && return 0
      die "kernel $KVER has no module $m"
    fi
    for dep in $(modinfo -F depends "$file" | tr ',' ' '); do add_module "$dep"; done
    case "$file" in
      *.ko) cp "$file" "$staging/modules/$m.ko" ;;
      *.ko.xz) xz -dc "$file" >"$staging/modules/$m.ko" ;;
      *.ko.zst) zstd -qdc "$file" >"$staging/modules/$m.ko" ;;
      *) die "cannot unpack module [$file]" ;;
    esac
    echo "$m.ko" >>"$staging/modules/modules.order"
  }
  for m in "${MODULES[@]}"; do add_module "$m"; done
  rm -rf "$staging/deb"
  mv "$staging" "$BOOT"
  prune kernel "$BOOT_KEY"
fi
grep -q "^$TIMER_ERRATUM_CONFIG=y" "$BOOT/config" \
  || die "kernel $KVER is built without $TIMER_ERRATUM_CONFIG: the erratum mode cannot fall back"

INITRAMFS_KEY=$( (echo "$BOOT_KEY"; cat "$ROOTFS/bin/busybox" "$LAB_DIR/guest-init.sh" | sha256sum) | key_of)
INITRAMFS=$CACHE/initramfs-$INITRAMFS_KEY.cpio
if [ ! -s "$INITRAMFS" ]; then
  staging=$(mktemp -d "$CACHE/staging.XXXXXX")
  mkdir -p "$staging"/{bin,dev,proc,sys,lib/modules,lab,mnt}
  cp "$ROOTFS/bin/busybox" "$staging/bin/busybox"
  install -m 0755 "$LAB_DIR/guest-init.sh" "$staging/init"
  cp "$BOOT"/modules/*.ko "$staging/lib/modules/"
  cp "$BOOT/modules/modules.order" "$staging/lab/modules.order"
  (cd "$staging" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$INITRAMFS.tmp"
  mv "$INITRAMFS.tmp" "$INITRAMFS"
  rm -rf "$staging"
  for old in "$CACHE"/initramfs-*.cpio; do [ "$old" = "$INITRAMFS" ] || rm -f "$old"; done
fi

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
