package io.vdsoagent.source.elf;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a vDSO image (a complete ELF shared object copied from memory) the way Linux's
 * {@code tools/testing/selftests/vDSO/parse_vdso.c} does, but over a {@code byte[]} with every read
 * bounds-checked: program headers (first PT_LOAD gives the address-to-offset bias, PT_DYNAMIC the
 * dynamic table, PT_NOTE the build-id), then the dynamic tags, the symbol count from DT_HASH or
 * DT_GNU_HASH, the version tables, and finally the symbols.
 *
 * <p>Any malformed input ends in {@link ElfParseException}. No count read from the image is used to
 * size an allocation or a loop before it has been checked against the image size.
 */
public final class ElfParser {
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_NOTE = 4;

    // Package-private: the corruption test aims its damage at these tags.
    static final long DT_NULL = 0;
    static final long DT_HASH = 4;
    static final long DT_STRTAB = 5;
    static final long DT_SYMTAB = 6;
    static final long DT_STRSZ = 10;
    static final long DT_SYMENT = 11;
    static final long DT_SONAME = 14;
    static final long DT_GNU_HASH = 0x6ffffef5L;
    static final long DT_VERSYM = 0x6ffffff0L;
    static final long DT_VERDEF = 0x6ffffffcL;
    static final long DT_VERDEFNUM = 0x6ffffffdL;

    private static final int VER_FLG_BASE = 1;
    private static final int VERSYM_HIDDEN = 0x8000;
    private static final int VERSYM_VERSION = 0x7fff;
    private static final int VERDEF_SIZE = 20;
    private static final int NT_GNU_BUILD_ID = 3;
    private static final int STB_GNU_UNIQUE = 10;
    private static final int SHN_UNDEF = 0;

    private final ElfBytes in;
    private final int machine;

    // Load info
    private long bias = Long.MIN_VALUE; // file offset = vaddr + bias (p_offset - p_vaddr of the first PT_LOAD)
    private long dynamicOffset = -1;
    private long dynamicSize;
    private final List<long[]> notes = new ArrayList<>(); // {offset, size, align}

    // Dynamic tags (addresses until translated); -1 = absent
    private long strtab = -1;
    private long strsz = -1;
    private long symtab = -1;
    private long syment = -1;
    private long sysvHash = -1;
    private long gnuHash = -1;
    private long versym = -1;
    private long verdef = -1;
    private long verdefnum = -1;
    private long soname = -1;

    private ElfParser(ElfBytes in, int machine) {
        this.in = in;
        this.machine = machine;
    }

    public static ElfImage parse(byte[] image) throws ElfParseException {
        if (image == null) {
            throw new ElfParseException("no image");
        }
        ElfBytes in = readIdent(image);
        int machine = in.u16(18, "e_machine");
        return new ElfParser(in, machine).run();
    }

    private ElfImage run() throws ElfParseException {
        readProgramHeaders();
        readDynamic();
        strtab = toOffset(strtab, "DT_STRTAB");
        long strEnd = strsz >= 0 ? checkedEnd(strtab, strsz, "DT_STRSZ") : in.size();
        String sonameText = soname >= 0 ? in.cString(strtab + soname, strEnd, "DT_SONAME") : "";
        Map<Integer, String> versions = readVersionNames(strEnd);
        List<ElfSymbol> symbols = readSymbols(countSymbols(), strEnd, versions);
        return new ElfImage(in.is64(), in.order(), machine, sonameText, readBuildId(), symbols);
    }

    static ElfBytes readIdent(byte[] image) throws ElfParseException {
        if (image.length < 16 || image[0] != 0x7f || image[1] != 'E' || image[2] != 'L' || image[3] != 'F') {
            throw new ElfParseException("not an ELF image (no \\x7fELF magic)");
        }
        int elfClass = image[4];
        int data = image[5];
        if (elfClass != 1 && elfClass != 2) {
            throw new ElfParseException("unknown EI_CLASS " + elfClass);
        }
        if (data != 1 && data != 2) {
            throw new ElfParseException("unknown EI_DATA " + data);
        }
        return new ElfBytes(image, data == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN, elfClass == 2);
    }

    private void readProgramHeaders() throws ElfParseException {
        int w = in.wordSize();
        long phoff = in.word(24 + w, "e_phoff");
        int phentsize = in.u16(24 + 3 * w + 6, "e_phentsize");
        int phnum = in.u16(24 + 3 * w + 8, "e_phnum");
        int minEntry = in.is64() ? 56 : 32;
        if (phentsize < minEntry) {
            throw new ElfParseException("e_phentsize " + phentsize + " is smaller than a program header (" + minEntry + ")");
        }
        in.check(phoff, (long) phnum * phentsize, "program header table");
        for (int i = 0; i < phnum; i++) {
            long ph = phoff + (long) i * phentsize;
            long type = in.u32(ph, "p_type");
            long offset = in.word(ph + (in.is64() ? 8 : 4), "p_offset");
            long vaddr = in.word(ph + (in.is64() ? 16 : 8), "p_vaddr");
            long filesz = in.word(ph + (in.is64() ? 32 : 16), "p_filesz");
            long align = in.word(ph + (in.is64() ? 48 : 28), "p_align");
            if (type == PT_LOAD && bias == Long.MIN_VALUE) {
                bias = offset - vaddr;
            } else if (type == PT_DYNAMIC) {
                in.check(offset, filesz, "PT_DYNAMIC");
                dynamicOffset = offset;
                dynamicSize = filesz;
            } else if (type == PT_NOTE) {
                in.check(offset, filesz, "PT_NOTE");
                notes.add(new long[] {offset, filesz, align});
            }
        }
        if (bias == Long.MIN_VALUE) {
            throw new ElfParseException("no PT_LOAD program header");
        }
        if (dynamicOffset < 0) {
            throw new ElfParseException("no PT_DYNAMIC program header");
        }
    }

    private void readDynamic() throws ElfParseException {
        int entry = 2 * in.wordSize();
        long count = dynamicSize / entry; // bounded: PT_DYNAMIC was checked to lie inside the image
        for (long i = 0; i < count; i++) {
            long at = dynamicOffset + i * entry;
            long tag = in.signedWord(at, "d_tag");
            long value = in.word(at + in.wordSize(), "d_val");
            if (tag == DT_NULL) {
                break;
            } else if (tag == DT_STRTAB) {
                strtab = value;
            } else if (tag == DT_STRSZ) {
                strsz = value;
            } else if (tag == DT_SYMTAB) {
                symtab = value;
            } else if (tag == DT_SYMENT) {
                syment = value;
            } else if (tag == DT_HASH) {
                sysvHash = value;
            } else if (tag == DT_GNU_HASH) {
                gnuHash = value;
            } else if (tag == DT_VERSYM) {
                versym = value;
            } else if (tag == DT_VERDEF) {
                verdef = value;
            } else if (tag == DT_VERDEFNUM) {
                verdefnum = value;
            } else if (tag == DT_SONAME) {
                soname = value;
            }
        }
        if (strtab == -1 || symtab == -1) {
            throw new ElfParseException("dynamic table lacks DT_STRTAB or DT_SYMTAB");
        }
        if (sysvHash == -1 && gnuHash == -1) {
            throw new ElfParseException("dynamic table has neither DT_HASH nor DT_GNU_HASH");
        }
    }

    /** Number of symbol table entries, including the null symbol at index 0. */
    private long countSymbols() throws ElfParseException {
        if (sysvHash != -1) {
            long hash = toOffset(sysvHash, "DT_HASH");
            // nchain == number of symbols, by definition; it follows nbucket, an entry of this machine's size.
            if (ElfMachines.sysvHashEntrySize(machine, in.is64()) == 8) {
                long nchain = in.word(hash + 8, "DT_HASH nchain");
                if (nchain < 0) {
                    throw new ElfParseException("DT_HASH nchain " + Long.toUnsignedString(nchain) + " is not a symbol count");
                }
                return nchain;
            }
            return in.u32(hash + 4, "DT_HASH nchain");
        }
        return countGnuHashSymbols(toOffset(gnuHash, "DT_GNU_HASH"));
    }

    /**
     * DT_GNU_HASH has no symbol count: take the highest symbol index any bucket starts at, then
     * follow that chain to the entry with the low "end of chain" bit set.
     */
    private long countGnuHashSymbols(long hash) throws ElfParseException {
        long nbuckets = in.u32(hash, "DT_GNU_HASH nbuckets");
        long symoffset = in.u32(hash + 4, "DT_GNU_HASH symoffset");
        long bloomSize = in.u32(hash + 8, "DT_GNU_HASH bloom_size");
        long buckets = hash + 16 + bloomSize * in.wordSize();
        in.check(buckets, nbuckets * 4, "DT_GNU_HASH buckets");
        long chains = buckets + nbuckets * 4;
        long max = 0;
        for (long i = 0; i < nbuckets; i++) {
            max = Math.max(max, in.u32(buckets + i * 4, "DT_GNU_HASH bucket"));
        }
        if (max == 0) {
            return symoffset; // every bucket empty: only the unhashed symbols below symoffset exist
        }
        if (max < symoffset) {
            throw new ElfParseException("DT_GNU_HASH bucket " + max + " points below symoffset " + symoffset);
        }
        // Each step reads 4 bytes further into the image, so the walk ends within size/4 steps.
        while ((in.u32(chains + (max - symoffset) * 4, "DT_GNU_HASH chain") & 1) == 0) {
            max++;
        }
        return max + 1;
    }

    /** Version index to name from DT_VERDEF; the base entry (the object's own name) is skipped. */
    private Map<Integer, String> readVersionNames(long strEnd) throws ElfParseException {
        Map<Integer, String> names = new HashMap<>();
        if (verdef == -1) {
            return names;
        }
        long at = toOffset(verdef, "DT_VERDEF");
        long limit = in.size() / VERDEF_SIZE;
        long entries = verdefnum >= 0 ? Math.min(verdefnum, limit) : limit;
        for (long n = 0; n < entries; n++) {
            int flags = in.u16(at + 2, "vd_flags");
            int ndx = in.u16(at + 4, "vd_ndx") & VERSYM_VERSION;
            int cnt = in.u16(at + 6, "vd_cnt");
            long aux = in.u32(at + 12, "vd_aux");
            long next = in.u32(at + 16, "vd_next");
            if ((flags & VER_FLG_BASE) == 0 && cnt > 0) {
                long nameOffset = in.u32(at + aux, "vda_name"); // the first verdaux names the version
                names.put(ndx, in.cString(strtab + nameOffset, strEnd, "version name"));
            }
            if (next == 0) {
                break;
            }
            at += next;
        }
        return names;
    }

    private List<ElfSymbol> readSymbols(long count, long strEnd, Map<Integer, String> versions)
            throws ElfParseException {
        long base = toOffset(symtab, "DT_SYMTAB");
        long entry = in.is64() ? 24 : 16;
        if (syment != -1 && syment < entry) {
            throw new ElfParseException("DT_SYMENT " + syment + " is smaller than a symbol (" + entry + ")");
        }
        if (syment != -1) {
            entry = syment;
        }
        if (count > (in.size() - base) / entry) { // divide, don't multiply: both come from the image
            throw new ElfParseException(count + " symbols of " + entry + " bytes do not fit in the image");
        }
        long versymAt = versym == -1 ? -1 : toOffset(versym, "DT_VERSYM");
        if (versymAt != -1) {
            in.check(versymAt, count * 2, "DT_VERSYM table");
        }
        List<ElfSymbol> out = new ArrayList<>();
        for (long i = 1; i < count; i++) { // index 0 is the reserved null symbol
            ElfSymbol s = readSymbol(base + i * entry, strEnd, versymAt == -1 ? -1 : versymAt + i * 2, versions);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** One symbol, or null unless it is defined and global/weak (what the object exports). */
    private ElfSymbol readSymbol(long at, long strEnd, long versymAt, Map<Integer, String> versions)
            throws ElfParseException {
        boolean is64 = in.is64();
        long nameOffset = in.u32(at, "st_name");
        int info = in.u8(at + (is64 ? 4 : 12), "st_info");
        int shndx = in.u16(at + (is64 ? 6 : 14), "st_shndx");
        long value = in.word(at + (is64 ? 8 : 4), "st_value");
        long size = in.word(at + (is64 ? 16 : 8), "st_size");
        int binding = info >> 4;
        boolean exported = binding == ElfSymbol.STB_GLOBAL || binding == ElfSymbol.STB_WEAK || binding == STB_GNU_UNIQUE;
        if (shndx == SHN_UNDEF || !exported) {
            return null;
        }
        String name = in.cString(strtab + nameOffset, strEnd, "symbol name");
        String version = "";
        boolean hidden = false;
        if (versymAt != -1) {
            int raw = in.u16(versymAt, "versym");
            hidden = (raw & VERSYM_HIDDEN) != 0;
            version = versionName(raw & VERSYM_VERSION, name, versions);
        }
        return new ElfSymbol(name, version, hidden, binding, info & 0xf, shndx, value, size);
    }

    /** The names objdump prints: 0 = none (local), 1 = the base version ("Base"), else DT_VERDEF's. */
    private static String versionName(int index, String symbol, Map<Integer, String> versions)
            throws ElfParseException {
        if (index == 0) {
            return "";
        }
        String name = versions.get(index);
        if (name != null) {
            return name;
        }
        if (index == 1) {
            return "Base";
        }
        throw new ElfParseException("symbol " + symbol + " has version index " + index + " that DT_VERDEF does not define");
    }

    /** The first NT_GNU_BUILD_ID note with owner "GNU", as hex; empty when there is none. */
    private String readBuildId() throws ElfParseException {
        for (long[] note : notes) {
            long end = note[0] + note[1];
            long align = note[2] == 8 ? 8 : 4; // GNU property notes use 8; classic notes 4
            long at = note[0];
            while (end - at >= 12) {
                long namesz = in.u32(at, "n_namesz");
                long descsz = in.u32(at + 4, "n_descsz");
                long type = in.u32(at + 8, "n_type");
                long nameAt = at + 12;
                long descAt = nameAt + roundUp(namesz, align);
                long next = descAt + roundUp(descsz, align);
                if (next > end) {
                    throw new ElfParseException("note at offset " + at + " runs past the end of its PT_NOTE segment");
                }
                if (type == NT_GNU_BUILD_ID && namesz == 4 && isGnuOwner(nameAt)) {
                    return in.hex(descAt, descsz, "build-id");
                }
                at = next;
            }
        }
        return "";
    }

    private boolean isGnuOwner(long at) throws ElfParseException {
        return in.u8(at, "note name") == 'G' && in.u8(at + 1, "note name") == 'N' && in.u8(at + 2, "note name") == 'U'
                && in.u8(at + 3, "note name") == 0;
    }

    private static long roundUp(long value, long align) {
        return (value + align - 1) & -align;
    }

    /** A dynamic-table address as a file offset inside the image. */
    private long toOffset(long address, String what) throws ElfParseException {
        long offset = address + bias;
        // Overflow check without Math.addExact (it would throw ArithmeticException, not our type).
        if (((address ^ offset) & (bias ^ offset)) < 0) {
            throw new ElfParseException(what + " address " + Long.toHexString(address) + " overflows");
        }
        in.check(offset, 0, what);
        return offset;
    }

    private long checkedEnd(long offset, long length, String what) throws ElfParseException {
        in.check(offset, length, what);
        return offset + length;
    }
}
