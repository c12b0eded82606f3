package io.vdsoagent.source.elf;

/**
 * The image is not an ELF object we can trust: truncated, corrupt, or pointing outside itself.
 * The parser's only failure mode; it never throws anything else for any input.
 */
public final class ElfParseException extends Exception {
    private static final long serialVersionUID = 1L;

    public ElfParseException(String message) {
        super(message);
    }
}
