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

# apt as if this were a ppc64el machine with nothing installed: resolves the whole dependency closure
# (no recommends) without looking at, or touching, the host's own packages.
EMPTY_STATUS=$(mktemp)
trap 'rm -f "$EMPTY_STATUS"' EXIT
APT_PPC=(-o Dir::State::status="$EMPTY_STATUS" -o APT::Architecture=ppc64el -o APT::Architectures::=ppc64el
           -o APT::Install-Recommends=false -o APT::Install-Suggests=false)
[ "$(id -u)" = 0 ] && APT_PPC+=(-o APT::Sandbox::User=root)

# (Output captured first: grep -q ending a pipe early would fail it under pipefail.)
ppc_ready() {
  local policy
  policy=$(apt-cache "${APT_PPC[@]}" policy busybox-static 2>/dev/null || true)
  [[ "$policy" == *"Candidate: "[0-9]* ]]
}
require_ppc_apt() {
  ppc_ready && return 0
  if [ "$INSTALL" = 1 ] && [ "$(id -u)" = 0 ]; then
    log "adding the ppc64el architecture to apt (dpkg --add-architecture ppc64el; apt-get update)"
    dpkg --add-architecture ppc64el
    apt-get update -q -o DPkg::Lock::Timeout=300 >&2
  fi
  ppc_ready || die "apt knows no ppc64el packages: dpkg --add-architecture ppc64el && apt-get update (or run as root with --install)"
}
for tool in qemu-system-ppc64:qemu-system-ppc cpio:cpio modinfo:kmod xz:xz-utils; do
  command -v "${tool%%:*}" >/dev/null || [ -x "/sbin/${tool%%:*}" ] || die "missing Debian package ${tool#*:}"
done
PATH=$PATH:/sbin:/usr/sbin

# "name version arch" per package apt would install for these names, sorted.
closure() {
  apt-get -s "${APT_PPC[@]}" install "$@" 2>/dev/null \
    | sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*\[\(ppc64el\|all\)\]).*/\1 \2 \3/p' | LC_ALL=C sort
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
  log "downloading ${#want[@]} Debian ppc64el package(s)"
  (cd "$CACHE/debs" && apt-get "${APT_PPC[@]}" download "${want[@]}" >/dev/null) || die "apt-get download failed"
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
  require_ppc_apt
  USER_CLOSURE=$(closure "${USERLAND[@]}")
  [ -n "$USER_CLOSURE" ] || die "apt resolved nothing for ${USERLAND[*]} (ppc64el)"
  # The newest concrete kernel package behind the first meta-package apt knows.
  KERNEL_PKG=
  for meta in "${KERNEL_METAS[@]}"; do
    KERNEL_PKG=$(closure "$meta" | awk '!found && $1 ~ /^linux-image-[0-9]+\.[0-9]+\.[0-9]+.*-powerpc64le$/ { print; found = 1 }')
    [ -n "$KERNEL_PKG" ] && break
  done
  [ -n "$KERNEL_PKG" ] || die "no ppc64el kernel package found (tried ${KERNEL_METAS[*]})"
  rm -f "$CACHE"/resolved-*
  { sed 's/^/user /' <<<"$USER_CLOSURE"; echo "kernel $KERNEL_PKG"; } >"$RESOLVED.tmp"
  mv "$RESOLVED.tmp" "$RESOLVED"
fi

# --- userland ------------------------------------------------------------------------------------
ROOTFS_KEY=$( (echo "$USER_CLOSURE"; sha256sum <"${BASH_SOURCE[0]}") | key_of)
ROOTFS=$CACHE/rootfs-$ROOTFS_KEY
if [ ! -d "$ROOTFS" ]; then
  echo "$USER_CLOSURE" | download
  log "assembling the ppc64el rootfs from $(echo "$USER_CLOSURE" | wc -l) packages"
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
JAVA=$(ls -d "$ROOTFS"/usr/lib/jvm/java-17-openjdk-ppc64el/bin/java 2>/dev/null) || die "no JDK 17 in $ROOTFS"
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
  cp "$staging/deb/boot/vmlinux-$KVER" "$staging/vmlinux"
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

echo "qemu-machine ${QEMU_MACHINE[*]}"
echo "kernel $BOOT/vmlinux"
echo "kernel-version $KVER"
echo "initramfs $INITRAMFS"
echo "rootfs $ROOTFS"
echo "java ${JAVA#"$ROOTFS"}"
