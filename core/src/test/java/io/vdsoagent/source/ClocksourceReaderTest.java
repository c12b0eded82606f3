package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClocksourceReaderTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({
        "tsc,     tsc,              tsc hpet acpi_pm",
        "hpet,    hpet,             hpet acpi_pm",
        "acpi_pm, acpi_pm,          acpi_pm",
        "xen,     xen,              xen tsc hpet acpi_pm",
        "arm64,   arch_sys_counter, arch_sys_counter",
    })
    void readsFixtureHosts(String host, String current, String available) {
        ClocksourceFacts facts = new ClocksourceReader(Fixtures.host(host)).read().get();
        assertEquals(current, facts.current());
        assertEquals(Arrays.asList(available.split(" ")), facts.available());
    }

    @Test
    void emptyFilesAreUnknown() {
        Probed<ClocksourceFacts> p = new ClocksourceReader(Fixtures.host("empty")).read();
        assertFalse(p.known());
        assertTrue(p.reason().endsWith("current_clocksource is empty"), p.reason());
    }

    @Test
    void twoCurrentNamesAreUnknown() {
        Probed<ClocksourceFacts> p = new ClocksourceReader(Fixtures.host("junk")).read();
        assertFalse(p.known());
        assertTrue(p.reason().contains("holds 2 names"), p.reason());
    }

    @Test
    void junkInAvailableLeavesCurrentKnownAndAvailableEmpty() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("sys/devices/system/clocksource/clocksource0"));
        Files.write(dir.resolve("current_clocksource"), "kvm-clock\n".getBytes("UTF-8"));
        Files.write(dir.resolve("available_clocksource"), new byte[] {'t', 's', 'c', ' ', (byte) 0xff, '\n'});
        ClocksourceFacts facts = new ClocksourceReader(SystemRoot.at(tmp)).read().get();
        assertEquals("kvm-clock", facts.current());
        assertTrue(facts.available().isEmpty());
    }

    @Test
    void missingSysfsIsUnknownWithReason() {
        Probed<ClocksourceFacts> p = new ClocksourceReader(SystemRoot.at(tmp)).read();
        assertFalse(p.known());
        assertTrue(p.reason().contains("does not exist"), p.reason());
    }

    @Test
    void hugeFileIsRefusedNotSlurped() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("sys/devices/system/clocksource/clocksource0"));
        Files.write(dir.resolve("current_clocksource"), new byte[BoundedFiles.TEXT_CAP + 1]);
        Probed<ClocksourceFacts> p = new ClocksourceReader(SystemRoot.at(tmp)).read();
        assertTrue(p.reason().contains("larger than"), p.reason());
    }

    /** The reader's own word split against the JDK regex it replaces, on trimmed texts. */
    @Test
    void wordsAreWhatSplittingOnTheRegexSpaceClassGives() {
        for (String text : new String[] {"tsc", "tsc hpet acpi_pm", "tsc  hpet\tacpi_pm", "a\u000bb\fc\rd\ne",
                "tsc\u001chpet", "tsc\u00a0hpet", "kvm-clock tsc"}) {
            assertEquals(Arrays.asList(text.split("\\s+")), ClocksourceReader.tokens(text), text);
        }
    }

    /** The name check against the regex it replaces, on every short string over a mixed alphabet and on edges. */
    @Test
    void theNameCheckIsTheRegex() {
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,64}");
        char[] alphabet = "aZ09_.-/ \u00e9\u0000:@[`{".toCharArray();
        java.util.List<String> texts = new java.util.ArrayList<>(Arrays.asList("", "tsc", "kvm-clock",
                "hyperv_clocksource_tsc_page", new String(new char[64]).replace('\0', 'x'),
                new String(new char[65]).replace('\0', 'x')));
        for (char x : alphabet) {
            for (char y : alphabet) {
                texts.add("" + x + y);
                texts.add("ts" + x + y + "c");
            }
        }
        for (String t : texts) {
            assertEquals(name.matcher(t).matches(), ClocksourceReader.isName(t), t);
        }
    }
}
