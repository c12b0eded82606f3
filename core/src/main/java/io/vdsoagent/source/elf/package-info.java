/**
 * A bounds-checked reader of the vDSO's ELF image, modelled on Linux's
 * {@code tools/testing/selftests/vDSO/parse_vdso.c}: identity (class, byte order, e_machine),
 * DT_SONAME, the GNU build-id note, and the exported dynamic symbols with their versions, exactly
 * as {@code objdump -T} lists them. Malformed input only ever raises
 * {@link io.vdsoagent.source.elf.ElfParseException}.
 */
package io.vdsoagent.source.elf;
