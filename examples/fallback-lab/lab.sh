#!/usr/bin/env bash
# fallback-lab: run one command in a throw-away QEMU guest booted with a chosen clocksource.
#
#   lab.sh --clocksource hpet|acpi_pm|tsc [--timeout 300] [--memory 2048] [--forward HOSTPORT:GUESTPORT]...
#          [--kernel /boot/vmlinuz-VER] [--verbose] [--install] -- command [args...]
#   lab.sh --arch aarch64 --timer normal|erratum [--share DIR] [--timeout 300] [--memory 2048]
#          [--verbose] [--install] -- command [args...]
#   lab.sh --arch ppc64le [--clocksource jiffies] [--share DIR] [--timeout 300] [--memory 2048]
#          [--verbose] [--install] -- command [args...]
#   lab.sh --arch s390x [--clocksource jiffies] [--share DIR] [--timeout 300] [--memory 2048]
#          [--verbose] [--install] -- command [args...]
#   lab.sh --arch riscv64 [--clocksource jiffies] [--share DIR] [--timeout 300] [--memory 2048]
#          [--verbose] [--install] -- command [args...]
#
# The guest is a Debian kernel under QEMU software emulation (TCG, 1 vCPU) with a busybox initramfs;
# it sees the host root read-only over 9p with a RAM overlay, so host paths (JDK, built jars) work
# as they are and nothing the command writes reaches the host. The command's stdout, stderr and exit
# status come back as this script's own. Exit 124: timeout; 125: the lab itself failed (missing
# package, boot failure, the kernel did not take the clocksource).
# aarch64: Debian's arm64 kernel and an arm64 root assembled from Debian packages (arm64-assets.sh),
# with DIR (default: this repository) shared read-only at the same path; --timer erratum boots QEMU's
# own device tree with an arch-timer erratum that takes the timer out of the vDSO.
# ppc64le: Debian's ppc64el kernel under qemu-system-ppc64 -machine pseries and a ppc64el root
# (ppc64le-assets.sh), shared like aarch64's; --clocksource jiffies also boots with highres=off nohz=off
# (the jiffies clocksource needs the periodic tick).
# s390x: Debian's s390x kernel under qemu-system-s390x -machine s390-ccw-virtio and an s390x root
# (s390x-assets.sh), shared like ppc64le's but over virtio-9p-ccw (no PCI); --clocksource jiffies as for ppc64le.
# riscv64: Debian 13's riscv64 kernel under qemu-system-riscv64 -machine virt (QEMU's OpenSBI as firmware) and
# a riscv64 root from Debian 13 packages (riscv64-assets.sh, its own apt: Debian 12 has no riscv64), shared
# like ppc64le's; --clocksource jiffies as for ppc64le.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK_DIR=${LAB_WORK_DIR:-$LAB_DIR/work}
CLOCKSOURCE=
TIMEOUT=300
MEMORY=2048
KERNEL=
VERBOSE=0
INSTALL=0
FORWARDS=()
ARCH=x86_64
TIMER=normal
SHARE=
# Every Debian package the lab needs, with the command that proves it is there.
PACKAGES=(qemu-system-x86:qemu-system-x86_64 linux-image-amd64:/boot/vmlinuz-* busybox-static:/bin/busybox
          cpio:cpio kmod:modinfo)

usage() { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 125; }
die() { echo "lab.sh: $*" >&2; exit 125; }

while [ $# -gt 0 ]; do
  case "$1" in
    --clocksource) CLOCKSOURCE=${2:?}; shift 2 ;;
    --timeout) TIMEOUT=${2:?}; shift 2 ;;
    --memory) MEMORY=${2:?}; shift 2 ;;
    --forward) FORWARDS+=("${2:?}"); shift 2 ;;
    --kernel) KERNEL=${2:?}; shift 2 ;;
    --verbose) VERBOSE=1; shift ;;
    --install) INSTALL=1; shift ;;
    --arch) ARCH=${2:?}; shift 2 ;;
    --timer) TIMER=${2:?}; shift 2 ;;
    --share) SHARE=${2:?}; shift 2 ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "lab.sh: unknown option [$1]" >&2; usage ;;
  esac
done
[ $# -gt 0 ] || usage
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "--timeout must be whole seconds [$TIMEOUT]"
[[ "$MEMORY" =~ ^[0-9]+$ ]] || die "--memory must be MiB [$MEMORY]"
case "$ARCH" in x86_64|aarch64|ppc64le|s390x|riscv64) ;; *) die "--arch must be x86_64, aarch64, ppc64le, s390x or riscv64 [$ARCH]" ;; esac
case "$TIMER" in normal|erratum) ;; *) die "--timer must be normal or erratum [$TIMER]" ;; esac
if [ "$ARCH" = aarch64 ]; then
  [ ${#FORWARDS[@]} -eq 0 ] || die "--forward is not supported with --arch aarch64"
  [ -z "$KERNEL" ] || die "--kernel is not supported with --arch aarch64 (arm64-assets.sh picks Debian's newest)"
  SHARE=$(cd "${SHARE:-$LAB_DIR/../..}" && pwd) || die "cannot share [$SHARE]"
  PACKAGES=(qemu-system-arm:qemu-system-aarch64 device-tree-compiler:dtc cpio:cpio kmod:modinfo xz-utils:xz)
elif [ "$ARCH" = ppc64le ]; then
  [ "$TIMER" = normal ] || die "--timer erratum needs --arch aarch64"
  [ ${#FORWARDS[@]} -eq 0 ] || die "--forward is not supported with --arch ppc64le"
  [ -z "$KERNEL" ] || die "--kernel is not supported with --arch ppc64le (ppc64le-assets.sh picks Debian's)"
  SHARE=$(cd "${SHARE:-$LAB_DIR/../..}" && pwd) || die "cannot share [$SHARE]"
  PACKAGES=(qemu-system-ppc:qemu-system-ppc64 cpio:cpio kmod:modinfo xz-utils:xz)
elif [ "$ARCH" = s390x ]; then
  [ "$TIMER" = normal ] || die "--timer erratum needs --arch aarch64"
  [ ${#FORWARDS[@]} -eq 0 ] || die "--forward is not supported with --arch s390x"
  [ -z "$KERNEL" ] || die "--kernel is not supported with --arch s390x (s390x-assets.sh picks Debian's)"
  SHARE=$(cd "${SHARE:-$LAB_DIR/../..}" && pwd) || die "cannot share [$SHARE]"
  PACKAGES=(qemu-system-misc:qemu-system-s390x cpio:cpio kmod:modinfo xz-utils:xz)
elif [ "$ARCH" = riscv64 ]; then
  [ "$TIMER" = normal ] || die "--timer erratum needs --arch aarch64"
  [ ${#FORWARDS[@]} -eq 0 ] || die "--forward is not supported with --arch riscv64"
  [ -z "$KERNEL" ] || die "--kernel is not supported with --arch riscv64 (riscv64-assets.sh picks Debian's)"
  SHARE=$(cd "${SHARE:-$LAB_DIR/../..}" && pwd) || die "cannot share [$SHARE]"
  PACKAGES=(qemu-system-misc:qemu-system-riscv64 qemu-system-data:/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin
            debian-archive-keyring:/usr/share/keyrings/debian-archive-keyring.gpg cpio:cpio kmod:modinfo xz-utils:xz)
else
  [ "$TIMER" = normal ] || die "--timer erratum needs --arch aarch64"
  [ -z "$SHARE" ] || die "--share needs --arch aarch64 (x86_64 guests see the whole host root)"
fi
for f in "${FORWARDS[@]}"; do
  [[ "$f" =~ ^[0-9]+:[0-9]+$ ]] || die "--forward must be HOSTPORT:GUESTPORT [$f]"
done

missing_packages() {
  local entry pkg probe missing=()
  for entry in "${PACKAGES[@]}"; do
    pkg=${entry%%:*}; probe=${entry#*:}
    if [[ "$probe" == /* ]]; then
      compgen -G "$probe" >/dev/null || missing+=("$pkg")
    else
      command -v "$probe" >/dev/null || [ -x "/sbin/$probe" ] || missing+=("$pkg")
    fi
  done
  echo "${missing[@]}"
}

missing=$(missing_packages)
if [ -n "$missing" ]; then
  if [ "$INSTALL" = 1 ] && [ "$(id -u)" = 0 ]; then
    echo "lab.sh: installing $missing" >&2
    apt-get update -q >&2
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
    missing=$(missing_packages)
  fi
  [ -z "$missing" ] || die "missing Debian package(s): $missing (apt-get install $missing, or run as root with --install)"
fi
PATH=$PATH:/sbin:/usr/sbin

if [ "$ARCH" = aarch64 ]; then
  # Kernel, initramfs, arm64 root and device trees, from the cache or rebuilt from Debian packages.
  ASSETS=$("$LAB_DIR/arm64-assets.sh" --memory "$MEMORY" $([ "$INSTALL" = 1 ] && echo --install)) || exit 125
  asset() { printf '%s\n' "$ASSETS" | sed -n "s/^$1 //p"; }
  KERNEL=$(asset kernel)
elif [ "$ARCH" = ppc64le ]; then
  ASSETS=$("$LAB_DIR/ppc64le-assets.sh" $([ "$INSTALL" = 1 ] && echo --install)) || exit 125
  asset() { printf '%s\n' "$ASSETS" | sed -n "s/^$1 //p"; }
  KERNEL=$(asset kernel)
elif [ "$ARCH" = s390x ]; then
  ASSETS=$("$LAB_DIR/s390x-assets.sh" $([ "$INSTALL" = 1 ] && echo --install)) || exit 125
  asset() { printf '%s\n' "$ASSETS" | sed -n "s/^$1 //p"; }
  KERNEL=$(asset kernel)
elif [ "$ARCH" = riscv64 ]; then
  ASSETS=$("$LAB_DIR/riscv64-assets.sh") || exit 125
  asset() { printf '%s\n' "$ASSETS" | sed -n "s/^$1 //p"; }
  KERNEL=$(asset kernel)
else
  if [ -z "$KERNEL" ]; then
    KERNEL=$(ls -1 /boot/vmlinuz-* | sort -V | tail -n 1)
  fi
  [ -r "$KERNEL" ] || die "cannot read kernel [$KERNEL]"
  KVER=${KERNEL##*/vmlinuz-}
  MODDIR=/lib/modules/$KVER
  [ -d "$MODDIR" ] || die "no modules for kernel $KVER in $MODDIR (package linux-image-$KVER)"
fi

# Modules the guest loads, dependencies first (modinfo -F depends, resolved recursively).
WANTED_MODULES=(virtio_pci 9pnet_virtio 9p overlay e1000)
ORDERED_MODULES=()
add_module() {
  local m=$1 dep seen
  for seen in "${ORDERED_MODULES[@]}"; do [ "$seen" = "$m" ] && return 0; done
  for dep in $(modinfo -k "$KVER" -F depends "$m" | tr ',' ' '); do add_module "$dep"; done
  ORDERED_MODULES+=("$m")
}

# The base initramfs depends only on the kernel, busybox and the init script: build it once.
build_base_initramfs() {
  local key out staging m path
  key=$( (echo "$KVER"; sha256sum /bin/busybox "$LAB_DIR/guest-init.sh") | sha256sum | cut -c1-16)
  out=$WORK_DIR/initramfs-$KVER-$key.cpio
  if [ -s "$out" ]; then echo "$out"; return; fi
  mkdir -p "$WORK_DIR"
  rm -f "$WORK_DIR"/initramfs-*.cpio
  staging=$(mktemp -d "$WORK_DIR/staging.XXXXXX")
  mkdir -p "$staging"/{bin,dev,proc,sys,lib/modules,lab,mnt}
  cp /bin/busybox "$staging/bin/busybox"
  install -m 0755 "$LAB_DIR/guest-init.sh" "$staging/init"
  for m in "${WANTED_MODULES[@]}"; do add_module "$m"; done
  for m in "${ORDERED_MODULES[@]}"; do
    path=$(modinfo -k "$KVER" -n "$m")
    case "$path" in
      *.ko) cp "$path" "$staging/lib/modules/$m.ko" ;;
      *.ko.xz) xz -dc "$path" >"$staging/lib/modules/$m.ko" ;;
      *.ko.zst) zstd -qdc "$path" >"$staging/lib/modules/$m.ko" ;;
      *.ko.gz) gzip -dc "$path" >"$staging/lib/modules/$m.ko" ;;
      *) rm -rf "$staging"; die "module $m is built into the kernel or missing [$path]" ;;
    esac
    echo "$m.ko" >>"$staging/lab/modules.order"
  done
  (cd "$staging" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$out.tmp"
  mv "$out.tmp" "$out"
  rm -rf "$staging"
  echo "$out"
}

RUN_DIR=
QEMU_PID=
TAIL_PID=
cleanup() {
  if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
    kill "$QEMU_PID" 2>/dev/null || true
    wait "$QEMU_PID" 2>/dev/null || true
  fi
  if [ -n "$TAIL_PID" ]; then kill "$TAIL_PID" 2>/dev/null || true; fi
  if [ -n "$RUN_DIR" ]; then rm -rf "$RUN_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$ARCH" != x86_64 ]; then BASE=$(asset initramfs); else BASE=$(build_base_initramfs); fi
mkdir -p "$WORK_DIR"
RUN_DIR=$(mktemp -d "$WORK_DIR/run.XXXXXX")
NONCE=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')

# Per-run part of the initramfs: the command and its parameters, appended as a second cpio archive
# (the kernel unpacks concatenated archives in order).
mkdir -p "$RUN_DIR/extra/lab"
{
  printf 'cd %q 2>/dev/null || cd /\n' "$PWD"
  printf 'exec'; printf ' %q' "$@"; printf '\n'
} >"$RUN_DIR/extra/lab/cmd.sh"
{
  echo "NONCE=$NONCE"
  echo "WANT_CLOCKSOURCE=$CLOCKSOURCE"
  echo "NET=$([ ${#FORWARDS[@]} -gt 0 ] && echo 1 || echo 0)"
  printf 'SHARE=%q\n' "$SHARE"
} >"$RUN_DIR/extra/lab/config"
(cd "$RUN_DIR/extra" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$RUN_DIR/extra.cpio"
cat "$BASE" "$RUN_DIR/extra.cpio" >"$RUN_DIR/initrd"

CONSOLE_DEV=ttyS0
[ "$ARCH" = aarch64 ] && CONSOLE_DEV=ttyAMA0
[ "$ARCH" = ppc64le ] && CONSOLE_DEV=hvc0
# s390x: QEMU's -serial is the SCLP VT220 console.
[ "$ARCH" = s390x ] && CONSOLE_DEV=ttysclp0
APPEND="console=$CONSOLE_DEV quiet loglevel=1 panic=-1"
# riscv64: QEMU's rv64 CPU offers Sv57 paging, which the kernel takes and HotSpot refuses ("Unsupported
# satp mode: SV57"); no5lvl keeps the kernel at Sv48.
[ "$ARCH" = riscv64 ] && APPEND+=" no5lvl"
if [ -n "$CLOCKSOURCE" ]; then
  APPEND+=" clocksource=$CLOCKSOURCE"
  # Under emulation the TSC watchdog can mark tsc unstable at random; tests switch on purpose instead.
  [ "$CLOCKSOURCE" = tsc ] && APPEND+=" tsc=reliable"
  [ "$CLOCKSOURCE" = jiffies ] && APPEND+=" highres=off nohz=off"
fi

NETARGS=(-nic none)
if [ ${#FORWARDS[@]} -gt 0 ]; then
  fwd=
  for f in "${FORWARDS[@]}"; do fwd+=",hostfwd=tcp:127.0.0.1:${f%%:*}-:${f##*:}"; done
  NETARGS=(-netdev "user,id=n0$fwd" -device e1000,netdev=n0)
fi

touch "$RUN_DIR/console.log"
if [ "$VERBOSE" = 1 ]; then
  tail -n +1 -f "$RUN_DIR/console.log" >&2 &
  TAIL_PID=$!
fi
start=$(date +%s%N)
# 9p over virtio on PCI, except on s390x, whose machine has channel I/O (virtio-ccw) instead.
NINEP=virtio-9p-pci
[ "$ARCH" = s390x ] && NINEP=virtio-9p-ccw
if [ "$ARCH" = aarch64 ]; then
  # The machine options arm64-assets.sh dumped the device tree with; erratum: that tree plus the property.
  read -r -a MACHINE <<<"$(asset qemu-machine)"
  QEMU=(qemu-system-aarch64 "${MACHINE[@]}")
  [ "$TIMER" = erratum ] && QEMU+=(-dtb "$(asset dtb-erratum)")
  ROOT_DIR=$(asset rootfs)
  QEMU+=(-fsdev "local,id=share,path=$SHARE,security_model=none,readonly=on,multidevs=remap"
         -device virtio-9p-pci,fsdev=share,mount_tag=share)
elif [ "$ARCH" = ppc64le ]; then
  read -r -a MACHINE <<<"$(asset qemu-machine)"
  QEMU=(qemu-system-ppc64 "${MACHINE[@]}")
  ROOT_DIR=$(asset rootfs)
  QEMU+=(-fsdev "local,id=share,path=$SHARE,security_model=none,readonly=on,multidevs=remap"
         -device virtio-9p-pci,fsdev=share,mount_tag=share)
elif [ "$ARCH" = s390x ]; then
  read -r -a MACHINE <<<"$(asset qemu-machine)"
  QEMU=(qemu-system-s390x "${MACHINE[@]}")
  ROOT_DIR=$(asset rootfs)
  QEMU+=(-fsdev "local,id=share,path=$SHARE,security_model=none,readonly=on,multidevs=remap"
         -device "$NINEP,fsdev=share,mount_tag=share")
elif [ "$ARCH" = riscv64 ]; then
  read -r -a MACHINE <<<"$(asset qemu-machine)"
  QEMU=(qemu-system-riscv64 "${MACHINE[@]}")
  ROOT_DIR=$(asset rootfs)
  QEMU+=(-fsdev "local,id=share,path=$SHARE,security_model=none,readonly=on,multidevs=remap"
         -device virtio-9p-pci,fsdev=share,mount_tag=share)
else
  QEMU=(qemu-system-x86_64 -machine pc -accel tcg -smp 1)
  ROOT_DIR=/
fi
"${QEMU[@]}" -m "$MEMORY" \
  -kernel "$KERNEL" -initrd "$RUN_DIR/initrd" -append "$APPEND" \
  -fsdev "local,id=hostroot,path=$ROOT_DIR,security_model=none,readonly=on,multidevs=remap" \
  -device "$NINEP,fsdev=hostroot,mount_tag=host" \
  "${NETARGS[@]}" \
  -display none -monitor none -serial "file:$RUN_DIR/console.log" -no-reboot \
  >"$RUN_DIR/qemu.out" 2>&1 &
QEMU_PID=$!

timed_out=0
deadline=$(( $(date +%s) + TIMEOUT ))
while kill -0 "$QEMU_PID" 2>/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then timed_out=1; break; fi
  sleep 0.2
done
if [ "$timed_out" = 1 ]; then
  kill "$QEMU_PID" 2>/dev/null || true
fi
qemu_rc=0
wait "$QEMU_PID" || qemu_rc=$?
QEMU_PID=
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ -n "$TAIL_PID" ]; then sleep 0.3; kill "$TAIL_PID" 2>/dev/null || true; TAIL_PID=; fi

CONSOLE=$(tr -d '\r' <"$RUN_DIR/console.log")
marker() { printf '%s\n' "$CONSOLE" | sed -n "s/^@@LAB $NONCE $1//p" | head -n 1; }
section() {
  printf '%s\n' "$CONSOLE" \
    | sed -n "/^@@LAB $NONCE $1-begin\$/,/^@@LAB $NONCE $1-end\$/p" \
    | { grep -E '^[A-Za-z0-9+/=]+$' || true; } | base64 -d
}
console_tail() { printf '%s\n' "$CONSOLE" | tail -n 25 | sed 's/^/  | /' >&2; cat "$RUN_DIR/qemu.out" >&2; }

if [ "$timed_out" = 1 ]; then
  echo "lab.sh: timeout after ${TIMEOUT}s (clocksource ${CLOCKSOURCE:-default}); console tail:" >&2
  console_tail
  exit 124
fi
err=$(marker 'error ')
if [ -n "$err" ]; then echo "lab.sh: guest: $err" >&2; exit 125; fi
rc=$(marker 'exit ')
if [ -z "$rc" ]; then
  echo "lab.sh: the guest ended without an exit status (qemu exit $qemu_rc); console tail:" >&2
  console_tail
  exit 125
fi
section stdout
section stderr >&2
[ "$VERBOSE" = 0 ] || echo "lab.sh: $ARCH (timer $TIMER), clocksource $(marker 'clocksource '), guest wall ${elapsed_ms} ms, exit $rc" >&2
exit "$rc"
