/**
 * Base: the few value types every other package builds on; depends on nothing of ours.
 *
 * <p>{@link io.vdsoagent.base.Probed} is a value or "unknown, because ...". Both {@code source} and
 * {@code nativeaccess} sit above this package, so neither depends on the other for a result type.
 */
package io.vdsoagent.base;
