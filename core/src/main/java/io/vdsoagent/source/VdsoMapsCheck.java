package io.vdsoagent.source;

import io.vdsoagent.base.Probed;

import java.util.Objects;

/**
 * {@code /proc/self/maps} against the vDSO found through AT_SYSINFO_EHDR: a cross-check, not a precondition.
 * A disagreement is a finding of its own (in {@code /report} and the text report); the image stays what
 * auxv and the ELF say.
 */
public final class VdsoMapsCheck {
    /** The outcome, named once. */
    public enum Outcome {
        /** A {@code [vdso]} line starts at AT_SYSINFO_EHDR and spans exactly the mapped image. */
        AGREES("agrees"),
        /** No {@code [vdso]} line, but an unnamed executable mapping of the image's size starts there (gVisor). */
        UNNAMED("unnamed"),
        /** maps says something else: another place, another size, or nothing at all. */
        DISAGREES("disagrees"),
        /** maps could not be read. */
        UNAVAILABLE("unavailable");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Outcome outcome;
    private final String detail;

    private VdsoMapsCheck(Outcome outcome, String detail) {
        this.outcome = outcome;
        this.detail = Objects.requireNonNull(detail);
    }

    /**
     * @param base        AT_SYSINFO_EHDR
     * @param mappedBytes the image's extent rounded up to the page size
     * @param maps        the special mappings, read with {@code base} as the address of interest
     */
    public static VdsoMapsCheck of(long base, long mappedBytes, Probed<SpecialMappings> maps) {
        if (!maps.known()) {
            return new VdsoMapsCheck(Outcome.UNAVAILABLE, maps.reason());
        }
        // No addresses in the detail: it reaches /report and the text report, and the base is an ASLR secret.
        Mapping named = maps.get().vdsoOrNull();
        Mapping at = maps.get().atAddressOrNull();
        if (named != null) {
            if (named.start() != base) {
                long delta = named.start() - base;
                return new VdsoMapsCheck(Outcome.DISAGREES, "the [vdso] line starts " + Math.abs(delta) + " bytes "
                        + (delta < 0 ? "before" : "after") + " AT_SYSINFO_EHDR");
            }
            return sized(Outcome.AGREES, named, mappedBytes);
        }
        if (at == null) {
            return new VdsoMapsCheck(Outcome.DISAGREES, "no [vdso] line and no mapping starts at AT_SYSINFO_EHDR");
        }
        if (!at.executable()) {
            return new VdsoMapsCheck(Outcome.DISAGREES, "no [vdso] line; the mapping at AT_SYSINFO_EHDR is not executable ("
                    + at.perms() + ")");
        }
        return sized(Outcome.UNNAMED, at, mappedBytes);
    }

    private static VdsoMapsCheck sized(Outcome ok, Mapping m, long mappedBytes) {
        String line = ok == Outcome.AGREES ? "the [vdso] line" : "the unnamed mapping at AT_SYSINFO_EHDR";
        if (m.size() != mappedBytes) {
            return new VdsoMapsCheck(Outcome.DISAGREES, line + " spans " + m.size() + " bytes, the vDSO's ELF "
                    + mappedBytes + " (page-rounded)");
        }
        return new VdsoMapsCheck(ok, line + " spans the ELF's " + mappedBytes + " bytes (" + m.perms() + ")"
                + (ok == Outcome.UNNAMED ? ": this runtime maps its vDSO without the name" : ""));
    }

    public Outcome outcome() {
        return outcome;
    }

    /** What maps showed, for a person. */
    public String detail() {
        return detail;
    }

    /** True when maps contradicts auxv and the ELF: a finding. */
    public boolean disagrees() {
        return outcome == Outcome.DISAGREES;
    }

    @Override
    public String toString() {
        return outcome.label() + ": " + detail;
    }
}
