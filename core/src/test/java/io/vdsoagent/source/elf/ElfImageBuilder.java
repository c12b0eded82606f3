package io.vdsoagent.source.elf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds small, valid ELF shared objects shaped like a vDSO, for either class and byte order.
 * Test-only. Layout: ELF header, program headers, then .dynstr, .dynsym, .hash, .gnu.hash,
 * .gnu.version, .gnu.version_d, the build-id note, .dynamic, .text, .shstrtab and the section
 * headers, each 8-byte aligned. The parser only uses the program headers and dynamic table; the
 * section headers are there because objdump -T refuses a file without them.
 */
final class ElfImageBuilder {
    enum Hash { SYSV, GNU, BOTH }

    /** Placeholder section index meaning "the .text section". */
    static final int TEXT = -1;

    static final class Sym {
        final String name;
        final String version; // "" = versym 1 (Base)
        final int binding;
        final int type;
        final int shndx;
        final long value;
        boolean hidden; // versym bit 0x8000: a non-default version (name@VER rather than name@@VER)

        Sym(String name, String version, int binding, int type, int shndx, long value) {
            this.name = name;
            this.version = version;
            this.binding = binding;
            this.type = type;
            this.shndx = shndx;
            this.value = value;
        }
    }

    private boolean is64 = true;
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    private int machine = 62;
    private long vaddr = 0;
    private String soname = "linux-vdso.so.1";
    private Hash hash = Hash.BOTH;
    private byte[] buildId = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3, 4};
    private boolean versioned = true;
    private final List<Sym> symbols = new ArrayList<>();

    ElfImageBuilder elf32() {
        is64 = false;
        return this;
    }

    ElfImageBuilder bigEndian() {
        order = ByteOrder.BIG_ENDIAN;
        return this;
    }

    ElfImageBuilder machine(int machine) {
        this.machine = machine;
        return this;
    }

    /** Link address of the image; nonzero exercises the PT_LOAD bias. */
    ElfImageBuilder vaddr(long vaddr) {
        this.vaddr = vaddr;
        return this;
    }

    ElfImageBuilder soname(String soname) {
        this.soname = soname;
        return this;
    }

    ElfImageBuilder hash(Hash hash) {
        this.hash = hash;
        return this;
    }

    ElfImageBuilder buildId(byte[] buildId) {
        this.buildId = buildId;
        return this;
    }

    ElfImageBuilder unversioned() {
        versioned = false;
        return this;
    }

    /** A global function in .text (its section index is filled in by {@link #build()}). */
    ElfImageBuilder function(String name, String version) {
        symbols.add(new Sym(name, version, 1, 2, TEXT, 0x10L * symbols.size()));
        return this;
    }

    ElfImageBuilder symbol(Sym s) {
        symbols.add(s);
        return this;
    }

    /** A function whose version is hidden (not the default one). */
    ElfImageBuilder hiddenFunction(String name, String version) {
        function(name, version);
        symbols.get(symbols.size() - 1).hidden = true;
        return this;
    }

    /** The vDSO's absolute version symbol, e.g. LINUX_2.6 defined in version LINUX_2.6. */
    ElfImageBuilder versionSymbol(String version) {
        symbols.add(new Sym(version, version, 1, 1, 0xfff1, 0));
        return this;
    }

    byte[] build() {
        int w = is64 ? 8 : 4;
        int ehsize = is64 ? 64 : 52;
        int phentsize = is64 ? 56 : 32;
        int symentsize = is64 ? 24 : 16;
        // DT_HASH entries are 8 bytes on 64-bit s390 (and Alpha), as binutils writes them there.
        int hashEntry = is64 && machine == 22 ? 8 : 4;
        int phnum = buildId == null ? 2 : 3;
        int nsyms = symbols.size() + 1;

        // Version indexes: 1 = base (soname), then one per distinct version name.
        Map<String, Integer> versionIndex = new LinkedHashMap<>();
        for (Sym s : symbols) {
            if (!s.version.isEmpty() && !versionIndex.containsKey(s.version)) {
                versionIndex.put(s.version, versionIndex.size() + 2);
            }
        }

        // String table
        ByteArrayOutputStream str = new ByteArrayOutputStream();
        str.write(0);
        Map<String, Integer> strOffsets = new LinkedHashMap<>();
        List<String> strings = new ArrayList<>();
        String baseName = soname != null ? soname : "base";
        strings.add(baseName);
        strings.addAll(versionIndex.keySet());
        for (Sym s : symbols) {
            strings.add(s.name);
        }
        for (String s : strings) {
            if (!strOffsets.containsKey(s)) {
                strOffsets.put(s, str.size());
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                str.write(b, 0, b.length);
                str.write(0);
            }
        }
        byte[] strtab = str.toByteArray();

        // Layout
        int off = align(ehsize + phnum * phentsize);
        int strtabOff = off;
        off = align(off + strtab.length);
        int symtabOff = off;
        off = align(off + nsyms * symentsize);
        int hashOff = -1;
        if (hash != Hash.GNU) {
            hashOff = off;
            off = align(off + hashEntry * (2 + 1 + nsyms));
        }
        int gnuOff = -1;
        if (hash != Hash.SYSV) {
            gnuOff = off;
            off = align(off + 16 + w + 4 + 4 * (nsyms - 1));
        }
        int versymOff = -1;
        int verdefOff = -1;
        int nverdef = versionIndex.size() + 1;
        if (versioned) {
            versymOff = off;
            off = align(off + 2 * nsyms);
            verdefOff = off;
            off = align(off + 28 * nverdef);
        }
        int noteOff = -1;
        int noteSize = 0;
        if (buildId != null) {
            noteOff = off;
            noteSize = 16 + ((buildId.length + 3) & ~3);
            off = align(off + noteSize);
        }
        int dynOff = off;
        int ndyn = 6 + (hash == Hash.BOTH ? 2 : 1) + (versioned ? 3 : 0) + (soname != null ? 1 : 0);
        off = align(off + ndyn * 2 * w);
        int textOff = off;
        int textSize = 16 * Math.max(1, symbols.size());
        off = align(off + textSize);

        List<long[]> sections = new ArrayList<>(); // name, type, flags, offset, size, link, info, align, entsize
        ByteArrayOutputStream shstr = new ByteArrayOutputStream();
        shstr.write(0);
        int dynstrIdx = section(sections, shstr, ".dynstr", 3, 2, strtabOff, strtab.length, 0, 0, 1, 0);
        int dynsymIdx = section(sections, shstr, ".dynsym", 11, 2, symtabOff, nsyms * symentsize, dynstrIdx, 1, w,
                symentsize);
        if (hashOff >= 0) {
            section(sections, shstr, ".hash", 5, 2, hashOff, hashEntry * (2 + 1 + nsyms), dynsymIdx, 0, w, hashEntry);
        }
        if (gnuOff >= 0) {
            section(sections, shstr, ".gnu.hash", 0x6ffffff6, 2, gnuOff, 16 + w + 4 + 4 * (nsyms - 1), dynsymIdx, 0,
                    w, 0);
        }
        if (versioned) {
            section(sections, shstr, ".gnu.version", 0x6fffffff, 2, versymOff, 2 * nsyms, dynsymIdx, 0, 2, 2);
            section(sections, shstr, ".gnu.version_d", 0x6ffffffd, 2, verdefOff, 28 * nverdef, dynstrIdx, nverdef,
                    w, 0);
        }
        if (buildId != null) {
            section(sections, shstr, ".note", 7, 2, noteOff, noteSize, 0, 0, 4, 0);
        }
        section(sections, shstr, ".dynamic", 6, 3, dynOff, ndyn * 2 * w, dynstrIdx, 0, w, 2 * w);
        int textIdx = section(sections, shstr, ".text", 1, 6, textOff, textSize, 0, 0, 16, 0);
        int shstrIdx = sections.size() + 1;
        int shstrName = shstr.size();
        byte[] shstrName1 = ".shstrtab".getBytes(StandardCharsets.UTF_8);
        shstr.write(shstrName1, 0, shstrName1.length);
        shstr.write(0);
        int shstrOff = off;
        byte[] shstrtab = shstr.toByteArray();
        off = align(off + shstrtab.length);
        sections.add(new long[] {shstrName, 3, 0, shstrOff, shstrtab.length, 0, 0, 1, 0});
        int shentsize = is64 ? 64 : 40;
        int shoff = off;
        int shnum = sections.size() + 1;
        off += shnum * shentsize;
        int total = off;

        ByteBuffer b = ByteBuffer.allocate(total).order(order);
        // ELF header
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2), 1});
        b.position(16);
        b.putShort((short) 3); // ET_DYN
        b.putShort((short) machine);
        b.putInt(1);
        word(b, vaddr); // e_entry
        word(b, ehsize); // e_phoff
        word(b, shoff); // e_shoff
        b.putInt(0); // e_flags
        b.putShort((short) ehsize);
        b.putShort((short) phentsize);
        b.putShort((short) phnum);
        b.putShort((short) shentsize);
        b.putShort((short) shnum);
        b.putShort((short) shstrIdx);

        b.position(ehsize);
        phdr(b, 1, 5, 0, total, 0x1000);
        phdr(b, 2, 4, dynOff, ndyn * 2 * w, w);
        if (buildId != null) {
            phdr(b, 4, 4, noteOff, noteSize, 4);
        }

        b.position(strtabOff);
        b.put(strtab);

        for (int i = 1; i < nsyms; i++) {
            Sym s = symbols.get(i - 1);
            b.position(symtabOff + i * symentsize);
            int info = (s.binding << 4) | s.type;
            int shndx = s.shndx == TEXT ? textIdx : s.shndx;
            long value = s.shndx == TEXT ? vaddr + textOff + s.value : s.value;
            if (is64) {
                b.putInt(strOffsets.get(s.name));
                b.put((byte) info);
                b.put((byte) 0);
                b.putShort((short) shndx);
                b.putLong(value);
                b.putLong(s.type == 2 ? 16 : 0);
            } else {
                b.putInt(strOffsets.get(s.name));
                b.putInt((int) value);
                b.putInt(s.type == 2 ? 16 : 0);
                b.put((byte) info);
                b.put((byte) 0);
                b.putShort((short) shndx);
            }
        }

        if (hashOff >= 0) { // one bucket holding every symbol in a linked chain
            b.position(hashOff);
            hashEntry(b, hashEntry, 1);
            hashEntry(b, hashEntry, nsyms);
            hashEntry(b, hashEntry, nsyms - 1);
            hashEntry(b, hashEntry, 0);
            for (int i = 1; i < nsyms; i++) {
                hashEntry(b, hashEntry, i - 1);
            }
        }
        if (gnuOff >= 0) { // one bucket, symoffset 1, every symbol hashed
            b.position(gnuOff);
            b.putInt(1);
            b.putInt(1);
            b.putInt(1); // bloom_size
            b.putInt(6); // bloom_shift
            long bloom = 0;
            int bits = 8 * w;
            for (Sym s : symbols) {
                long h = gnuHash(s.name);
                bloom |= 1L << (h % bits);
                bloom |= 1L << ((h >>> 6) % bits);
            }
            word(b, is64 ? bloom : bloom & 0xffffffffL);
            b.putInt(nsyms > 1 ? 1 : 0);
            for (int i = 1; i < nsyms; i++) {
                long h = gnuHash(symbols.get(i - 1).name) & ~1L;
                b.putInt((int) (i == nsyms - 1 ? h | 1 : h));
            }
        }
        if (versioned) {
            b.position(versymOff);
            b.putShort((short) 0);
            for (Sym s : symbols) {
                int index = s.version.isEmpty() ? 1 : versionIndex.get(s.version);
                b.putShort((short) (s.hidden ? index | 0x8000 : index));
            }
            b.position(verdefOff);
            List<String> names = new ArrayList<>();
            names.add(baseName);
            names.addAll(versionIndex.keySet());
            for (int i = 0; i < names.size(); i++) {
                b.putShort((short) 1); // vd_version
                b.putShort((short) (i == 0 ? 1 : 0)); // vd_flags: VER_FLG_BASE on the first
                b.putShort((short) (i + 1)); // vd_ndx
                b.putShort((short) 1); // vd_cnt
                b.putInt((int) elfHash(names.get(i)));
                b.putInt(20); // vd_aux
                b.putInt(i == names.size() - 1 ? 0 : 28); // vd_next
                b.putInt(strOffsets.get(names.get(i))); // vda_name
                b.putInt(0); // vda_next
            }
        }
        if (buildId != null) {
            b.position(noteOff);
            b.putInt(4);
            b.putInt(buildId.length);
            b.putInt(3);
            b.put(new byte[] {'G', 'N', 'U', 0});
            b.put(buildId);
        }

        b.position(dynOff);
        if (soname != null) {
            dyn(b, 14, strOffsets.get(soname));
        }
        if (hashOff >= 0) {
            dyn(b, 4, vaddr + hashOff);
        }
        if (gnuOff >= 0) {
            dyn(b, 0x6ffffef5L, vaddr + gnuOff);
        }
        dyn(b, 5, vaddr + strtabOff);
        dyn(b, 6, vaddr + symtabOff);
        dyn(b, 10, strtab.length);
        dyn(b, 11, symentsize);
        if (versioned) {
            dyn(b, 0x6ffffff0L, vaddr + versymOff);
            dyn(b, 0x6ffffffcL, vaddr + verdefOff);
            dyn(b, 0x6ffffffdL, nverdef);
        }
        dyn(b, 0, 0);

        b.position(shstrOff);
        b.put(shstrtab);
        b.position(shoff + shentsize); // section 0 stays all zero
        for (long[] sh : sections) {
            b.putInt((int) sh[0]);
            b.putInt((int) sh[1]);
            word(b, sh[2]);
            word(b, sh[2] == 0 ? 0 : vaddr + sh[3]); // sh_addr only for allocated sections
            word(b, sh[3]);
            word(b, sh[4]);
            b.putInt((int) sh[5]);
            b.putInt((int) sh[6]);
            word(b, sh[7]);
            word(b, sh[8]);
        }
        return b.array();
    }

    /** Adds a section header entry; returns its index (the null section is 0). */
    private static void hashEntry(ByteBuffer b, int size, int value) {
        if (size == 8) {
            b.putLong(value);
        } else {
            b.putInt(value);
        }
    }

    private static int section(List<long[]> sections, ByteArrayOutputStream shstr, String name, long type, long flags,
                               long offset, long size, long link, long info, long align, long entsize) {
        int nameOff = shstr.size();
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        shstr.write(bytes, 0, bytes.length);
        shstr.write(0);
        sections.add(new long[] {nameOff, type, flags, offset, size, link, info, align, entsize});
        return sections.size();
    }

    private void phdr(ByteBuffer b, int type, int flags, long offset, long size, long align) {
        long addr = vaddr + offset;
        if (is64) {
            b.putInt(type);
            b.putInt(flags);
            b.putLong(offset);
            b.putLong(addr);
            b.putLong(addr);
            b.putLong(size);
            b.putLong(size);
            b.putLong(align);
        } else {
            b.putInt(type);
            b.putInt((int) offset);
            b.putInt((int) addr);
            b.putInt((int) addr);
            b.putInt((int) size);
            b.putInt((int) size);
            b.putInt(flags);
            b.putInt((int) align);
        }
    }

    private void dyn(ByteBuffer b, long tag, long value) {
        word(b, tag);
        word(b, value);
    }

    private void word(ByteBuffer b, long value) {
        if (is64) {
            b.putLong(value);
        } else {
            b.putInt((int) value);
        }
    }

    private static int align(int off) {
        return (off + 7) & ~7;
    }

    static long gnuHash(String name) {
        long h = 5381;
        for (byte c : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h * 33 + (c & 0xff)) & 0xffffffffL;
        }
        return h;
    }

    static long elfHash(String name) {
        long h = 0;
        for (byte c : name.getBytes(StandardCharsets.UTF_8)) {
            h = ((h << 4) + (c & 0xff)) & 0xffffffffL;
            long g = h & 0xf0000000L;
            if (g != 0) {
                h ^= g >>> 24;
            }
            h &= ~g;
        }
        return h;
    }
}
