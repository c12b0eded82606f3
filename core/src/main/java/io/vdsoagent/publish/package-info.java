/**
 * Publishing a {@link io.vdsoagent.health.ClockHealthMonitor}: the Micrometer facade
 * {@link io.vdsoagent.publish.VdsoMetrics} (the {@code vdso_*} Prometheus contract; unknown values
 * have no series) over one binder per concern, {@link io.vdsoagent.publish.JsonReport} (a small dependency-free JSON writer) and
 * {@link io.vdsoagent.publish.TextReport} (the human report).
 */
package io.vdsoagent.publish;
