package io.vdsoagent.examples.lab;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Ground truth from guest/strace-truth.sh: per clock, the clock_gettime syscalls strace counted while
 * clockloop made N libc calls, and the verdict they prove (syscall above N/2, vdso below N/10).
 */
record StraceTruth(String clocksource, Map<LabClock, Integer> calls, Map<LabClock, String> verdicts) {

    static StraceTruth parse(List<String> lines) {
        String clocksource = null;
        Map<LabClock, Integer> calls = new EnumMap<>(LabClock.class);
        Map<LabClock, String> verdicts = new EnumMap<>(LabClock.class);
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            if (words.length == 2 && words[0].equals("clocksource")) {
                clocksource = words[1];
            } else if (words.length == 4 && words[0].equals("truth")) {
                LabClock clock = LabClock.byId(Integer.parseInt(words[1]));
                calls.put(clock, Integer.parseInt(words[2]));
                verdicts.put(clock, words[3]);
            }
        }
        return new StraceTruth(clocksource, calls, verdicts);
    }
}
