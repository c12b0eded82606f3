package io.prometheus.metrics.expositionformats;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.OutputStream;

/**
 * The agent's stand-in for the Prometheus client's protobuf writer, which the shade step leaves out
 * (agent/pom.xml). The client's own class looks for the protobuf implementation reflectively and,
 * when it is missing, still <em>accepts</em> a protobuf {@code Accept} header and then throws from
 * {@code write}: a Prometheus with native histograms on (it asks for protobuf first) would get no
 * answer. This one never accepts, so {@link ExpositionFormats#findWriter} falls through to
 * OpenMetrics or text 0.0.4, which that same header also lists.
 *
 * <p>Why no protobuf: its shaded runtime is 1.8 MB of a 12.6 MB jar, and the only thing it carries
 * that text cannot is native histograms; the agent exposes none.
 */
public class PrometheusProtobufWriter implements ExpositionFormatWriter {
    public static final String CONTENT_TYPE =
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

    @Override
    public boolean accepts(String acceptHeader) {
        return false;
    }

    @Override
    public String getContentType() {
        return CONTENT_TYPE;
    }

    @Override
    public boolean isAvailable() {
        return false;
    }

    @Override
    public String toDebugString(MetricSnapshots metricSnapshots, EscapingScheme escapingScheme) {
        throw new UnsupportedOperationException("the protobuf format is not shipped in vdso-agent");
    }

    @Override
    public void write(OutputStream out, MetricSnapshots metricSnapshots, EscapingScheme escapingScheme) {
        throw new UnsupportedOperationException("the protobuf format is not shipped in vdso-agent");
    }
}
