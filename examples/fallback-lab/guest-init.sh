#!/bin/busybox sh
# /init of the fallback-lab guest (busybox initramfs built by lab.sh).
# Mounts the host root (9p, read-only) with a RAM overlay on top so the command sees the host's
# paths (JDK, build output) and may write anywhere without touching the host, runs the command,
# prints its output framed by markers on the serial console and powers off.
# aarch64 guests get an arm64 root (arm64-assets.sh) as "host" instead, and the host directory SHARE
# (read-only, 9p tag "share") at the same path on top of it.
# Run parameters come from /lab/config (appended per run by lab.sh): NONCE, WANT_CLOCKSOURCE, NET, SHARE.

/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# Only emergencies on the console: the framed output must not be interleaved with kernel chatter.
dmesg -n 1

. /lab/config

say() { echo "@@LAB $NONCE $*"; }

finish() {
  sync
  poweroff -f
  sleep 10
}

for m in $(cat /lab/modules.order); do
  insmod "/lib/modules/$m" || say "warning insmod $m failed"
done

mkdir -p /mnt/lower /mnt/rw /newroot
# cache=loose: the host root does not change under a short run, and it makes the JVM start faster.
if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 host /mnt/lower; then
  say "error cannot mount the host root over 9p"
  finish
fi

mount -t tmpfs -o mode=0755 rw /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/work
if mount -t overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work overlay /newroot; then
  ROOT=/newroot
else
  # No overlay: read-only host root, RAM only where programs need to write.
  say "warning overlay failed, host root is read-only except /tmp, /run, /var/tmp"
  ROOT=/mnt/lower
  mount -t tmpfs tmpfs $ROOT/tmp
  mount -t tmpfs tmpfs $ROOT/run
  mount -t tmpfs tmpfs $ROOT/var/tmp
fi

if [ -n "$SHARE" ]; then
  mkdir -p "$ROOT$SHARE"
  if ! mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 share "$ROOT$SHARE"; then
    say "error cannot mount the shared directory $SHARE over 9p"
    finish
  fi
fi
mount -t proc proc $ROOT/proc
mount -t sysfs sysfs $ROOT/sys
mount -t devtmpfs devtmpfs $ROOT/dev
mkdir -p $ROOT/dev/shm $ROOT/dev/pts
mount -t tmpfs tmpfs $ROOT/dev/shm
mount -t devpts devpts $ROOT/dev/pts
# busybox's applets, last on PATH: tools a root made of a few packages lacks (awk, dmesg, wget, ...).
# Both roots have /bin/busybox (the x86 lab requires busybox-static on the host).
mkdir -p $ROOT/run/lab/bin
chroot $ROOT /bin/busybox --install -s /run/lab/bin || say "warning no busybox applets in the guest root"

ip link set lo up
if [ "$NET" = 1 ]; then
  # QEMU user networking: fixed addresses, no DHCP round trip needed.
  ip addr add 10.0.2.15/24 dev eth0
  ip link set eth0 up
  ip route add default via 10.0.2.2
  # e1000 reports carrier a moment after "up"; a server started before that is unreachable.
  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ] && break
    sleep 0.5
  done
fi

CS=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)
say "clocksource $CS"
say "available $(cat /sys/devices/system/clocksource/clocksource0/available_clocksource)"
if [ -n "$WANT_CLOCKSOURCE" ] && [ "$CS" != "$WANT_CLOCKSOURCE" ]; then
  say "error clocksource is $CS, wanted $WANT_CLOCKSOURCE"
  finish
fi

cp /lab/cmd.sh $ROOT/run/lab/cmd.sh
say "running"
chroot $ROOT /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/run/lab/bin \
  HOME=/root LANG=C.UTF-8 TERM=dumb LAB_GUEST=1 LAB_CLOCKSOURCE="$CS" \
  /bin/bash /run/lab/cmd.sh </dev/null >$ROOT/run/lab/stdout 2>$ROOT/run/lab/stderr
RC=$?

say "stdout-begin"
base64 $ROOT/run/lab/stdout
say "stdout-end"
say "stderr-begin"
base64 $ROOT/run/lab/stderr
say "stderr-end"
say "exit $RC"
finish
