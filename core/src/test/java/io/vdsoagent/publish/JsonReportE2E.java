package io.vdsoagent.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vdsoagent.health.ClockHealth;
import io.vdsoagent.health.Prober;
import io.vdsoagent.testing.DebianTools;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An independent JSON parser (Python's) reads a live report and checks its shape. */
class JsonReportE2E {

    @Test
    void pythonParsesALiveReport(@TempDir Path tmp) throws Exception {
        String python = DebianTools.require("python3", "python3");
        ClockHealth h = Prober.builder().build().probe();
        File json = tmp.resolve("report.json").toFile();
        Files.write(json.toPath(), JsonReport.toJson(h, true, Collections.<String, String>emptyMap())
                .getBytes(StandardCharsets.UTF_8));
        String check = "import json,sys\n"
                + "r = json.load(sys.stdin)\n"
                + "assert len(r['clocks']) == 9, r['clocks']\n"
                + "assert {c['clock'] for c in r['clocks']} >= {'monotonic', 'thread_cputime'}\n"
                + "assert all(c['verdict'] in ('vdso', 'syscall', 'unknown') for c in r['clocks'])\n"
                + "assert r['vdso']['base'].startswith('0x')\n"
                + "assert r['vdso']['size'] > 0 and r['vdso']['symbols']\n"
                + "assert r['clocksource']['current']\n"
                + "assert r['probe']['wallNanos'] > 0\n"
                + "print('ok')\n";
        Path script = tmp.resolve("check.py");
        Files.write(script, check.getBytes(StandardCharsets.UTF_8));
        DebianTools.Result r = DebianTools.run(json, python, script.toString());
        assertEquals("ok", r.output.trim(), r.toString());
    }
}
