# shellcheck shell=bash disable=SC2034  # the caller reads what these functions set
# fallback-lab: what arm64-assets.sh, ppc64le-assets.sh, s390x-assets.sh and riscv64-assets.sh share, sourced by each
# (not run on its own).
# Builds a foreign-architecture guest from Debian packages through apt-get download + dpkg -x (no
# maintainer script runs, nothing else is fetched): a rootfs, a kernel with its modules, an initramfs.
#
# The caller sets, before sourcing:
#   die log                its messages (die exits 125)
#   LAB_DIR CACHE INSTALL  its directory, its cache, 1 to let root add the architecture to apt
#   DEB_ARCH               Debian's name for the architecture (arm64, ppc64el, s390x)
#   TOOLS                  "command:Debian package" pairs it needs on the host
#   USERLAND KERNEL_METAS MODULES
#   KERNEL_FLAVOUR         the suffix of Debian's kernel package names (arm64, powerpc64le, s390x)
#   KERNEL_FILE            the kernel image under /boot (vmlinuz, vmlinux)
#   JDK                    the JDK's directory name under /usr/lib/jvm without the arch (java-17-openjdk)
#   DEB_SUITE              empty: the host's own apt (its Debian release, $DEB_ARCH added with dpkg); a suite
#                          name (trixie): an apt of the guest's own under $CACHE/apt, that suite only, from the
#                          mirror the host's apt uses for Debian main, checked against Debian's archive keyring;
#                          the host's apt configuration, lists and architectures stay untouched
# and then calls, in this order: guest_packages, guest_rootfs, guest_kernel, guest_initramfs, which set
# USER_CLOSURE KERNEL_PKG, ROOTFS JAVA, BOOT BOOT_KEY KVER, INITRAMFS. Every cache key includes
# SCRIPTS_SUM (the caller and this file): a change to either rebuilds.

SCRIPTS_SUM=$(cat "${BASH_SOURCE[1]}" "${BASH_SOURCE[0]}" | sha256sum)

# apt as if this were a $DEB_ARCH machine with nothing installed: resolves the whole dependency closure
# (no recommends) without looking at, or touching, the host's own packages.
EMPTY_STATUS=$(mktemp)
trap 'rm -f "$EMPTY_STATUS"' EXIT
APT_ARCH=(-o Dir::State::status="$EMPTY_STATUS" -o APT::Architecture="$DEB_ARCH" -o APT::Architectures::="$DEB_ARCH"
          -o APT::Install-Recommends=false -o APT::Install-Suggests=false)
[ "$(id -u)" = 0 ] && APT_ARCH+=(-o APT::Sandbox::User=root)
APT_LISTS=/var/lib/apt/lists
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
if [ -n "${DEB_SUITE:-}" ]; then
  APT_LISTS=$CACHE/apt/lists
  APT_ARCH+=(-o Dir::Etc::SourceList="$CACHE/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
             -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
             -o Dir::State::Lists="$APT_LISTS" -o Dir::Cache="$CACHE/apt/cache")
fi

# The guest's own apt (DEB_SUITE): its lists are fetched again once a day (a point release removes the
# pool files of the versions it replaces).
suite_update() {
  local mirror
  mkdir -p "$APT_LISTS/partial" "$CACHE/apt/cache/archives/partial"
  # (apt keeps an unchanged list's old mtime: a stamp of our own says when the last update succeeded.)
  [ -n "$(find "$CACHE/apt/updated" -mtime -1 2>/dev/null)" ] && return 0
  [ -r "$KEYRING" ] || die "missing Debian package debian-archive-keyring ($KEYRING)"
  # (Output captured first, as in apt_ready.)
  mirror=$(apt-cache policy 2>/dev/null || true)
  mirror=$(awk '$3 ~ /^[a-z]+\/main$/ && $2 ~ /^https?:\/\// && $2 !~ /security/ { print $2; exit }' <<<"$mirror")
  mirror=${LAB_DEBIAN_MIRROR:-$mirror}
  [ -n "$mirror" ] || die "the host's apt has no Debian main source to take the mirror from (set LAB_DEBIAN_MIRROR)"
  echo "deb [arch=$DEB_ARCH signed-by=$KEYRING] $mirror $DEB_SUITE main" >"$CACHE/apt/sources.list"
  log "apt-get update of Debian $DEB_SUITE ($DEB_ARCH) into $CACHE/apt"
  apt-get "${APT_ARCH[@]}" -q update >&2 || die "apt-get update of Debian $DEB_SUITE ($DEB_ARCH) failed (is its Release signed by a key in $KEYRING?)"
  touch "$CACHE/apt/updated"
}

# (Output captured first: grep -q ending a pipe early would fail it under pipefail.)
apt_ready() {
  local policy
  policy=$(apt-cache "${APT_ARCH[@]}" policy busybox-static 2>/dev/null || true)
  [[ "$policy" == *"Candidate: "[0-9]* ]]
}
require_apt() {
  if [ -n "${DEB_SUITE:-}" ]; then
    suite_update
    apt_ready || die "Debian $DEB_SUITE has no $DEB_ARCH busybox-static in $APT_LISTS"
    return 0
  fi
  apt_ready && return 0
  if [ "$INSTALL" = 1 ] && [ "$(id -u)" = 0 ]; then
    log "adding the $DEB_ARCH architecture to apt (dpkg --add-architecture $DEB_ARCH; apt-get update)"
    dpkg --add-architecture "$DEB_ARCH"
    apt-get update -q -o DPkg::Lock::Timeout=300 >&2
  fi
  apt_ready || die "apt knows no $DEB_ARCH packages: dpkg --add-architecture $DEB_ARCH && apt-get update (or run as root with --install)"
}
for tool in "${TOOLS[@]}"; do
  command -v "${tool%%:*}" >/dev/null || [ -x "/sbin/${tool%%:*}" ] || die "missing Debian package ${tool#*:}"
done
PATH=$PATH:/sbin:/usr/sbin

# "name version arch" per package apt would install for these names, sorted.
closure() {
  apt-get -s "${APT_ARCH[@]}" install "$@" 2>/dev/null \
    | sed -n "s/^Inst \([^ ]*\) (\([^ ]*\) .*\[\($DEB_ARCH\|all\)\]).*/\1 \2 \3/p" | LC_ALL=C sort
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
  log "downloading ${#want[@]} Debian $DEB_ARCH package(s)"
  (cd "$CACHE/debs" && apt-get "${APT_ARCH[@]}" download "${want[@]}" >/dev/null) || die "apt-get download failed"
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

# apt's answer changes only with its package lists (apt-get update) or these scripts: remember it per
# state of both, which saves the seconds each apt resolution costs on every boot.
guest_packages() {
  local resolved meta
  [ -n "${DEB_SUITE:-}" ] && suite_update
  resolved=$CACHE/resolved-$( (dpkg --print-foreign-architectures; echo "$SCRIPTS_SUM"
    stat -c '%n %s %Y' "$APT_LISTS"/* 2>/dev/null) | key_of)
  if [ -s "$resolved" ]; then
    USER_CLOSURE=$(sed -n 's/^user //p' "$resolved")
    KERNEL_PKG=$(sed -n 's/^kernel //p' "$resolved")
    return 0
  fi
  require_apt
  USER_CLOSURE=$(closure "${USERLAND[@]}")
  [ -n "$USER_CLOSURE" ] || die "apt resolved nothing for ${USERLAND[*]} ($DEB_ARCH)"
  # The newest concrete kernel package behind the first meta-package apt knows.
  KERNEL_PKG=
  for meta in "${KERNEL_METAS[@]}"; do
    KERNEL_PKG=$(closure "$meta" | awk -v flavour="$KERNEL_FLAVOUR" \
      '!found && $1 ~ ("^linux-image-[0-9]+\\.[0-9]+\\.[0-9]+.*-" flavour "$") { print; found = 1 }')
    [ -n "$KERNEL_PKG" ] && break
  done
  [ -n "$KERNEL_PKG" ] || die "no $DEB_ARCH kernel package found (tried ${KERNEL_METAS[*]})"
  rm -f "$CACHE"/resolved-*
  { sed 's/^/user /' <<<"$USER_CLOSURE"; echo "kernel $KERNEL_PKG"; } >"$resolved.tmp"
  mv "$resolved.tmp" "$resolved"
}

guest_rootfs() {
  local key staging name version arch
  key=$( (echo "$USER_CLOSURE"; echo "$SCRIPTS_SUM") | key_of)
  ROOTFS=$CACHE/rootfs-$key
  if [ ! -d "$ROOTFS" ]; then
    echo "$USER_CLOSURE" | download
    log "assembling the $DEB_ARCH rootfs from $(echo "$USER_CLOSURE" | wc -l) packages"
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
    prune rootfs "$key"
  fi
  JAVA=$(ls -d "$ROOTFS/usr/lib/jvm/${JDK:-java-17-openjdk}-$DEB_ARCH/bin/java" 2>/dev/null) || die "no ${JDK:-java-17-openjdk} in $ROOTFS"
  [ -x "$ROOTFS/bin/busybox" ] || die "no busybox in $ROOTFS"
}

# The modules the guest loads, dependencies first (modinfo -F depends of each file, recursively);
# uses guest_kernel's staging, moddir, KVER and seen.
add_module() {
  local m=$1 file dep
  [ -n "${seen[$m]:-}" ] && return 0
  seen[$m]=1
  file=$(find "$moddir" -name "$m.ko*" | head -n 1)
  if [ -z "$file" ]; then
    grep -q "/${m//_/[_-]}\.ko" "$moddir/modules.builtin" && return 0
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

guest_kernel() {
  local kname kversion karch staging m moddir
  local -A seen=()
  read -r kname kversion karch <<<"$KERNEL_PKG"
  KVER=${kname#linux-image-}
  BOOT_KEY=$( (echo "$KERNEL_PKG"; echo "${MODULES[*]}"; echo "$SCRIPTS_SUM") | key_of)
  BOOT=$CACHE/kernel-$BOOT_KEY
  [ -d "$BOOT" ] && return 0
  echo "$KERNEL_PKG" | download
  log "unpacking kernel $KVER"
  staging=$(mktemp -d "$CACHE/staging.XXXXXX")
  dpkg -x "$(deb_file "$kname" "$kversion" "$karch")" "$staging/deb"
  mkdir -p "$staging/modules"
  cp "$staging/deb/boot/$KERNEL_FILE-$KVER" "$staging/$KERNEL_FILE"
  cp "$staging/deb/boot/config-$KVER" "$staging/config"
  # Debian 13 is merged-/usr: its modules are under /usr/lib/modules.
  moddir=$staging/deb/lib/modules/$KVER
  [ -d "$moddir" ] || moddir=$staging/deb/usr/lib/modules/$KVER
  for m in "${MODULES[@]}"; do add_module "$m"; done
  rm -rf "$staging/deb"
  mv "$staging" "$BOOT"
  prune kernel "$BOOT_KEY"
}

guest_initramfs() {
  local key staging old
  key=$( (echo "$BOOT_KEY"; cat "$ROOTFS/bin/busybox" "$LAB_DIR/guest-init.sh" | sha256sum) | key_of)
  INITRAMFS=$CACHE/initramfs-$key.cpio
  [ -s "$INITRAMFS" ] && return 0
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
}
