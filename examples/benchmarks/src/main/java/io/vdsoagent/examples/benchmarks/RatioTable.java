package io.vdsoagent.examples.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints JMH CSV results of ClockCallBenchmark side by side per JDK, each score (the median for
 * SampleTime results, else the mean) as ns per call and as a ratio to the bare call of the same clock,
 * JDK and thread count. Usage: {@code RatioTable jdk17=a.csv jdk25=b.csv}
 * (each CSV may hold several thread counts).
 */
public final class RatioTable {

    private RatioTable() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, Map<String, Double>> byJdk = new LinkedHashMap<>(); // jdk -> "bench|threads" -> score
        List<String> rows = new ArrayList<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            Map<String, Double> scores = new LinkedHashMap<>();
            for (String line : Files.readAllLines(Path.of(kv[1]))) {
                String[] f = line.split(",");
                if (f.length < 5 || f[0].startsWith("\"Benchmark")) {
                    continue;
                }
                String bench = unquote(f[0]);
                String mode = unquote(f[1]);
                double perCall = mode.equals("sample") ? ClockCallBenchmark.CALLS : 1; // a sample is one loop
                int percentile = bench.indexOf(':');
                if (mode.equals("sample")) {
                    // sample mode: use the median row ("...:p0.50"), not the mean or other percentiles
                    if (percentile < 0 || !bench.endsWith(":p0.50")) {
                        continue;
                    }
                    bench = bench.substring(0, percentile);
                } else if (percentile >= 0) {
                    continue;
                }
                bench = bench.substring(bench.lastIndexOf('.') + 1);
                String key = bench + "|" + unquote(f[2]);
                scores.put(key, Double.parseDouble(unquote(f[4])) / perCall);
                if (!rows.contains(key)) {
                    rows.add(key);
                }
            }
            byJdk.merge(kv[0], scores, (a, b) -> {
                a.putAll(b);
                return a;
            });
        }
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "| %-30s | %-7s |", "benchmark", "threads"));
        StringBuilder rule = new StringBuilder("|--------------------------------|---------|");
        for (String jdk : byJdk.keySet()) {
            header.append(String.format(Locale.ROOT, " %-7s ns/call | %-5s vs bare |", jdk, jdk));
            rule.append("----------------|----------------|");
        }
        System.out.println(header);
        System.out.println(rule);
        for (String row : rows) {
            String[] key = row.split("\\|");
            String clock = key[0].startsWith("nanoTime") ? "nanoTime" : "currentTimeMillis";
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %-30s | %7s |", key[0], key[1]));
            for (Map<String, Double> scores : byJdk.values()) {
                Double score = scores.get(row);
                Double bare = scores.get(clock + "Bare|" + key[1]);
                line.append(score == null ? String.format(Locale.ROOT, " %14s |", "-")
                        : String.format(Locale.ROOT, " %14.2f |", score));
                line.append(score == null || bare == null ? String.format(Locale.ROOT, " %14s |", "-")
                        : String.format(Locale.ROOT, " %13.3fx |", score / bare));
            }
            System.out.println(line);
        }
    }

    private static String unquote(String s) {
        return s.replace("\"", "").trim();
    }
}
