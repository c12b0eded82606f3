/**
 * The snapshot and its lifecycle. {@link io.vdsoagent.health.Prober} runs one probe (host facts,
 * detectors in rank order, JVM clock path) into an immutable {@link io.vdsoagent.health.ClockHealth};
 * the deciding detector per clock is the highest-ranked one that answered vdso or syscall, and every
 * finding is kept. {@link io.vdsoagent.health.ClockHealthMonitor} holds the latest snapshot, has no
 * threads of its own, counts clocksource changes seen by {@code pollClocksource()} and re-probes on
 * them. {@link io.vdsoagent.health.ClockHealthService} owns both and the refresh thread, and is
 * {@link java.io.Closeable}: the one way the agent, the CLI and applications start clock health.
 * Probing is separate from publishing ({@code io.vdsoagent.publish}).
 */
package io.vdsoagent.health;
