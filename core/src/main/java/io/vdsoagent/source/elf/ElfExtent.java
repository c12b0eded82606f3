package io.vdsoagent.source.elf;

/**
 * How many bytes an ELF image spans, from its own headers: the end of the ELF header, of the program
 * header table, of every PT_LOAD's file bytes, and of the section header table ({@code objdump} needs the
 * sections). This is how the vDSO's extent is known without {@code /proc/self/maps}: gVisor maps its
 * vDSO unnamed. Read in two steps so the caller copies no byte it has not bounded first: the ELF header
 * ({@link #HEADER_BYTES}), then the program header table it names.
 */
public final class ElfExtent {
    /** Enough for an Elf64_Ehdr (64 bytes) and an Elf32_Ehdr (52). */
    public static final int HEADER_BYTES = 64;
    private static final long PT_LOAD = 1;

    private final ElfBytes header;
    private final long phoff;
    private final int phentsize;
    private final int phnum;
    private final long headersEnd;

    private ElfExtent(ElfBytes header, long phoff, int phentsize, int phnum, long headersEnd) {
        this.header = header;
        this.phoff = phoff;
        this.phentsize = phentsize;
        this.phnum = phnum;
        this.headersEnd = headersEnd;
    }

    /** Parses the ELF header (the first {@link #HEADER_BYTES} bytes of the image). */
    public static ElfExtent ofHeader(byte[] headerBytes) throws ElfParseException {
        ElfBytes in = ElfParser.readIdent(headerBytes);
        int w = in.wordSize();
        int ehsize = in.u16(24 + 3 * w + 4, "e_ehsize");
        long phoff = in.word(24 + w, "e_phoff");
        long shoff = in.word(24 + 2 * w, "e_shoff");
        int phentsize = in.u16(24 + 3 * w + 6, "e_phentsize");
        int phnum = in.u16(24 + 3 * w + 8, "e_phnum");
        int shentsize = in.u16(24 + 3 * w + 10, "e_shentsize");
        int shnum = in.u16(24 + 3 * w + 12, "e_shnum");
        int minEntry = in.is64() ? 56 : 32;
        if (phnum == 0 || phentsize < minEntry) {
            throw new ElfParseException("no usable program header table (e_phnum " + phnum + ", e_phentsize "
                    + phentsize + ")");
        }
        long end = Math.max(ehsize, end(phoff, (long) phentsize * phnum, "program header table"));
        if (shnum > 0) {
            end = Math.max(end, end(shoff, (long) shentsize * shnum, "section header table"));
        }
        return new ElfExtent(in, phoff, phentsize, phnum, end);
    }

    /** offset + length, refusing what lies beyond 2^63 (a wild offset must not wrap into a small extent). */
    private static long end(long offset, long length, String what) throws ElfParseException {
        if (offset < 0 || offset > Long.MAX_VALUE - length) {
            throw new ElfParseException(what + " at offset " + Long.toUnsignedString(offset) + " lies beyond 2^63");
        }
        return offset + length;
    }

    /** Where the program header table starts, as an offset into the image. */
    public long programHeadersOffset() {
        return phoff;
    }

    /** The program header table's size in bytes (at most 65535 x 65535). */
    public long programHeadersBytes() {
        return (long) phentsize * phnum;
    }

    /** The extent of the headers alone (ELF header, program and section header tables). */
    public long headersEnd() {
        return headersEnd;
    }

    /**
     * The image's extent in bytes, given the program header table's bytes ({@link #programHeadersBytes()}
     * of them, read at {@link #programHeadersOffset()}).
     */
    public long imageBytes(byte[] programHeaders) throws ElfParseException {
        if (programHeaders.length < programHeadersBytes()) {
            throw new ElfParseException("program header table is " + programHeadersBytes() + " bytes, got "
                    + programHeaders.length);
        }
        ElfBytes ph = new ElfBytes(programHeaders, header.order(), header.is64());
        long end = headersEnd;
        for (int i = 0; i < phnum; i++) {
            long at = (long) i * phentsize;
            if (ph.u32(at, "p_type") != PT_LOAD) {
                continue;
            }
            long offset = ph.word(at + (ph.is64() ? 8 : 4), "p_offset");
            long filesz = ph.word(at + (ph.is64() ? 32 : 16), "p_filesz");
            if (filesz < 0) {
                throw new ElfParseException("PT_LOAD " + i + " p_filesz lies beyond 2^63");
            }
            end = Math.max(end, end(offset, filesz, "PT_LOAD " + i));
        }
        return end;
    }
}
