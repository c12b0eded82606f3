package io.vdsoagent.helm;

import io.vdsoagent.testing.DebianTools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real schemas, from the npm registry: Kubernetes' (kubernetes-models), the Prometheus Operator's
 * CRDs (@kubernetes-models/prometheus-operator) and Grafana's dashboard types (@grafana/schema, checked
 * by TypeScript). src/test/node/package.json pins them; they are installed into target/node once per
 * test JVM, never committed. npm and node come from Debian (apt-get install nodejs npm).
 */
final class SchemaCheck {
    private static Path installed;

    private SchemaCheck() {
    }

    static synchronized Path install() throws IOException, InterruptedException {
        if (installed == null) {
            Path source = Chart.dir().getParent().resolve("src/test/node");
            Path target = Chart.dir().getParent().resolve("target/node").toAbsolutePath();
            Files.createDirectories(target);
            for (String file : List.of("package.json", "validate-k8s.mjs", "tsconfig.json")) {
                Files.copy(source.resolve(file), target.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            if (!Files.isDirectory(target.resolve("node_modules/kubernetes-models"))
                    || !Files.isDirectory(target.resolve("node_modules/typescript"))) {
                String npm = DebianTools.require("npm", "npm");
                DebianTools.Result result = DebianTools.run(List.of(npm, "install", "--no-audit", "--no-fund",
                        "--no-package-lock", "--loglevel=error"), target, 300);
                if (result.exitCode != 0) {
                    throw new AssertionError("npm install failed: " + result.output);
                }
            }
            installed = target;
        }
        return installed;
    }

    /** Validates every object; the result's output has one "ok"/"invalid" line per object. */
    static DebianTools.Result kubernetes(List<JsonNode> objects) throws IOException, InterruptedException {
        Path dir = install();
        Path input = Files.createTempFile(dir, "objects-", ".json");
        try {
            new ObjectMapper().writeValue(input.toFile(), objects);
            return DebianTools.run(List.of(node(), "validate-k8s.mjs", input.toString()), dir, 120);
        } finally {
            Files.deleteIfExists(input);
        }
    }

    /**
     * Type-checks a dashboard JSON against @grafana/schema's Dashboard type with tsc --strict: unknown
     * fields (excess properties), wrong types, missing required fields and bad enum values all fail.
     */
    static DebianTools.Result grafanaDashboard(String dashboardJson) throws IOException, InterruptedException {
        Path dir = install();
        String check = "import type { Dashboard } from \"@grafana/schema\";\n"
                + "// JSON has no enums: a string enum member is checked as its string value.\n"
                + "type Json<T> = T extends string ? `${T}` : T extends number | boolean | null | undefined ? T\n"
                + "  : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;\n"
                + "export const dashboard: Json<Dashboard> = " + dashboardJson.strip() + ";\n";
        Files.writeString(dir.resolve("dashboard-check.ts"), check);
        return DebianTools.run(List.of(node(), "node_modules/typescript/bin/tsc", "-p", "tsconfig.json"), dir, 300);
    }

    private static String node() {
        return DebianTools.require("node", "nodejs");
    }
}
