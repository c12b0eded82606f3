package io.vdsoagent.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void defaultsRunUntilStoppedOnOneThread() {
        DemoOptions options = DemoOptions.parse(new String[0], new Properties());
        assertEquals(1000, options.ratePerSecond);
        assertEquals(1, options.threads);
        assertEquals(0, options.durationMillis);
    }

    @Test
    void argumentsWinOverSystemProperties() {
        Properties properties = new Properties();
        properties.setProperty("demo.rate", "50");
        properties.setProperty("demo.threads", "3");
        DemoOptions options = DemoOptions.parse(new String[] {"--rate=200", "--duration=5m"}, properties);
        assertEquals(200, options.ratePerSecond);
        assertEquals(3, options.threads, "taken from the system property");
        assertEquals(300_000, options.durationMillis);
    }

    @Test
    void theRateIsSharedBetweenThreads() {
        DemoOptions options = DemoOptions.parse(new String[] {"--rate=1000", "--threads=4"}, new Properties());
        assertEquals(250, options.ratePerThread());
    }

    @Test
    void durationsAcceptUnits() {
        assertEquals(30_000, DemoOptions.parseDurationMillis("30"));
        assertEquals(30_000, DemoOptions.parseDurationMillis("30s"));
        assertEquals(1_500, DemoOptions.parseDurationMillis("1.5s"));
        assertEquals(250, DemoOptions.parseDurationMillis("250ms"));
        assertEquals(7_200_000, DemoOptions.parseDurationMillis("2h"));
        assertEquals(0, DemoOptions.parseDurationMillis("0"));
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.parse(new String[] {"--rate=fast"}, new Properties()));
        assertTrue(e.getMessage().contains("rate") && e.getMessage().contains("[fast]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.parse(new String[] {"--rate=-1"}, new Properties()));
        assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.parse(new String[] {"--threads=0"}, new Properties()));
        assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.parse(new String[] {"--threads=1.5"}, new Properties()));
        assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.parse(new String[] {"--duration=-3s"}, new Properties()));
        assertThrows(IllegalArgumentException.class,
                () -> DemoOptions.parse(new String[] {"--speed=3"}, new Properties()));
    }
}
